//! A fetch outcome as a dump in the full `DescribeBackupPlanList` response shape.

use serde::Serialize;
use serde_json::value::RawValue;

use super::outcome::{FetchOutcome, Provenance};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Dump<'a> {
    request_id: &'a str,
    success: bool,
    page_num: u32,
    page_size: usize,
    total_pages: u32,
    total_elements: usize,
    items: Items<'a>,
    #[serde(rename = "DbsLintProvenance")]
    provenance: &'a Provenance,
}

#[derive(Serialize)]
struct Items<'a> {
    #[serde(rename = "BackupPlanDetail")]
    backup_plan_detail: Vec<&'a RawValue>,
}

/// Renders `outcome` as a pretty, deterministic dump: all pages of all regions merged into
/// one page, `TotalElements` equal to the number of plans, each plan's keys and values exactly
/// as the API sent them. `RequestId` is that of the first page read; every page's id is in
/// `DbsLintProvenance.regions[].request_ids`.
pub fn to_dump_json(outcome: &FetchOutcome) -> String {
    let provenance = &outcome.provenance;
    let request_id = provenance
        .regions
        .iter()
        .find_map(|r| r.request_ids.first())
        .map(String::as_str)
        .unwrap_or("");
    let n = outcome.plans.len();
    let dump = Dump {
        request_id,
        success: true,
        page_num: 0,
        page_size: n,
        total_pages: 1,
        total_elements: n,
        items: Items {
            backup_plan_detail: outcome.plans.iter().map(|p| p.raw.as_ref()).collect(),
        },
        provenance,
    };
    let compact = serde_json::to_string(&dump).expect("the dump serializes");
    let mut pretty = reindent(&compact);
    pretty.push('\n');
    pretty
}

/// Pretty-prints JSON text with two-space indentation, copying every token byte for byte,
/// so the plans keep their key order and number spellings (serde_json's pretty printer would
/// leave raw values on one line).
fn reindent(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', depth * 2));
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                out.push(b);
                if j < bytes.len() && bytes[j] == close {
                    out.push(close);
                    i = j + 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            b if b.is_ascii_whitespace() => {}
            _ => out.push(b),
        }
    }
    String::from_utf8(out).expect("only ASCII was inserted into valid UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reindent_matches_serde_pretty_for_plain_values() {
        let value = serde_json::json!({
            "a": [1, 2.50, {"b": "x, y: {z}", "c": []}],
            "d": {},
            "e": "quote \" and \\ backslash",
            "f": null
        });
        let compact = serde_json::to_string(&value).unwrap();
        assert_eq!(
            reindent(&compact),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn reindent_keeps_tokens_verbatim() {
        let raw = "{\"Z\":1.50,\t\"A\" : [ ],\n\"n\":12345678901234567890,\"s\":\"生产 \\u00e9\"}";
        let out = reindent(raw);
        assert!(out.contains("\"Z\": 1.50"));
        assert!(out.contains("\"A\": []"));
        assert!(out.contains("12345678901234567890"));
        assert!(out.contains("\"生产 \\u00e9\""));
        assert!(out.find("\"Z\"").unwrap() < out.find("\"A\"").unwrap());
    }
}
