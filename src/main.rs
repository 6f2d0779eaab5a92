fn main() {
    std::process::exit(dbs_lint::cli::run(std::env::args_os()));
}
