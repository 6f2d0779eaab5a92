//! Message templates: text with `{Field}` placeholders filled from the plan.

use crate::model::{FieldId, Plan, Slot};

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Field(FieldId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Why a template does not parse: a problem at a byte offset of the template text.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateError {
    UnknownField { name: String, offset: usize },
    Unclosed { offset: usize },
    StrayBrace { offset: usize },
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, Vec<TemplateError>> {
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let rest = &text[i + 1..];
                    let Some(end) = rest.find('}') else {
                        errors.push(TemplateError::Unclosed { offset: i });
                        break;
                    };
                    let name = rest[..end].trim();
                    match FieldId::from_name(name) {
                        Some(field) => {
                            if !literal.is_empty() {
                                parts.push(Part::Text(std::mem::take(&mut literal)));
                            }
                            parts.push(Part::Field(field));
                        }
                        None => errors.push(TemplateError::UnknownField {
                            name: name.to_string(),
                            offset: i,
                        }),
                    }
                    for _ in 0..rest[..=end].chars().count() {
                        chars.next();
                    }
                }
                '}' => errors.push(TemplateError::StrayBrace { offset: i }),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        if errors.is_empty() {
            Ok(Template { parts })
        } else {
            Err(errors)
        }
    }

    pub fn fields(&self) -> impl Iterator<Item = FieldId> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(f) => Some(*f),
            Part::Text(_) => None,
        })
    }

    pub fn render(&self, plan: &Plan) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => match plan.value(*f).as_ref() {
                    Slot::Present(v) => out.push_str(&v.to_string()),
                    other => out.push_str(&format!("<{other}>")),
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_escapes_and_errors() {
        let t = Template::parse("kept {BackupRetentionPeriod} days {{literal}}").unwrap();
        assert_eq!(t.fields().count(), 1);
        assert_eq!(
            Template::parse("{Retention} and {").unwrap_err(),
            vec![
                TemplateError::UnknownField {
                    name: "Retention".into(),
                    offset: 0
                },
                TemplateError::Unclosed { offset: 16 }
            ]
        );
        assert_eq!(
            Template::parse("a } b").unwrap_err(),
            vec![TemplateError::StrayBrace { offset: 2 }]
        );
    }
}
