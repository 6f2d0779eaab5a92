//! Weekday sets, as in `BackupPeriod` (`Monday,Wednesday`).

use std::fmt;

pub const NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A set of weekdays; bit 0 is Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weekdays(pub u8);

impl Weekdays {
    /// Parses one weekday name: full or three-letter, any case.
    pub fn parse_day(name: &str) -> Option<Weekdays> {
        let name = name.trim();
        NAMES
            .iter()
            .position(|full| {
                full.eq_ignore_ascii_case(name)
                    || (name.len() == 3 && full[..3].eq_ignore_ascii_case(name))
            })
            .map(|i| Weekdays(1 << i))
    }

    /// Parses a comma-separated list; the empty string is the empty set.
    pub fn parse_list(text: &str) -> Result<Weekdays, String> {
        let mut set = Weekdays::default();
        for part in text.split(',') {
            if part.trim().is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                return Err(format!("empty weekday in \"{text}\""));
            }
            match Weekdays::parse_day(part) {
                Some(day) => set.0 |= day.0,
                None => return Err(format!("\"{}\" is not a weekday", part.trim())),
            }
        }
        Ok(set)
    }

    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, other: Weekdays) -> bool {
        self.0 & other.0 == other.0
    }
}

impl fmt::Display for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (i, name) in NAMES.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                if !first {
                    f.write_str(",")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_in_any_case_and_abbreviations() {
        let set = Weekdays::parse_list("MONDAY, wednesday,Fri").unwrap();
        assert_eq!(set.count(), 3);
        assert_eq!(set.to_string(), "Monday,Wednesday,Friday");
        assert!(set.contains(Weekdays::parse_day("friday").unwrap()));
        assert!(!set.contains(Weekdays::parse_day("Sunday").unwrap()));
    }

    #[test]
    fn empty_and_invalid() {
        assert!(Weekdays::parse_list("").unwrap().is_empty());
        assert!(Weekdays::parse_list("Monday,,Tuesday").is_err());
        assert_eq!(
            Weekdays::parse_list("Funday").unwrap_err(),
            "\"Funday\" is not a weekday"
        );
    }
}
