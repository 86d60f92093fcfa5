//! Query errors as Salesforce words them: a code, a message and (for most) the caret header
//! that points at the offending token (`\nSELECT Foo FROM Task\n       ^\nERROR at Row:1:Column:8\n...`).

use crate::api_error::ApiError;

/// What a failed query answers: Salesforce's error code, the message after the caret header,
/// and the byte offset in the query text the caret points at (`None`: no caret header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryError {
    pub(crate) code: &'static str,
    pub(crate) at: Option<usize>,
    pub(crate) message: String,
}

/// Lines longer than this are shown as a window around the caret (Salesforce shows an excerpt
/// of long queries; the exact window width is unconfirmed).
const LONG_LINE: usize = 100;
/// Characters shown before the caret in a window.
const WINDOW_BEFORE: usize = 30;
/// Characters shown from the caret on in a window.
const WINDOW_AFTER: usize = 35;

impl QueryError {
    fn new(code: &'static str, at: Option<usize>, message: impl Into<String>) -> Self {
        QueryError {
            code,
            at,
            message: message.into(),
        }
    }

    /// MALFORMED_QUERY at a token.
    pub(crate) fn malformed(at: usize, message: impl Into<String>) -> Self {
        Self::new("MALFORMED_QUERY", Some(at), message)
    }

    /// `unexpected token: 'X'` (`'<EOF>'` at the end of the text).
    pub(crate) fn unexpected(at: usize, token: &str) -> Self {
        let token = if token.is_empty() { "<EOF>" } else { token };
        Self::malformed(at, format!("unexpected token: '{token}'"))
    }

    /// INVALID_FIELD for an unknown column.
    pub(crate) fn no_such_column(at: usize, field: &str, entity: &str) -> Self {
        Self::new(
            "INVALID_FIELD",
            Some(at),
            format!(
                "No such column '{field}' on entity '{entity}'. If you are attempting to use a \
                 custom field, be sure to append the '__c' after the custom field name. Please \
                 reference your WSDL or the describe call for the appropriate names."
            ),
        )
    }

    /// INVALID_FIELD with another message (wrong literal type, unknown relationship).
    pub(crate) fn invalid_field(at: usize, message: impl Into<String>) -> Self {
        Self::new("INVALID_FIELD", Some(at), message)
    }

    /// INVALID_TYPE for an unknown sObject.
    pub(crate) fn invalid_type(at: usize, name: &str) -> Self {
        Self::new(
            "INVALID_TYPE",
            Some(at),
            format!(
                "sObject type '{name}' is not supported. If you are attempting to use a custom \
                 object, be sure to append the '__c' after the entity name. Please reference your \
                 WSDL or the describe call for the appropriate names."
            ),
        )
    }

    /// INVALID_TYPE with another message (an unknown child relationship).
    pub(crate) fn invalid_type_message(at: usize, message: impl Into<String>) -> Self {
        Self::new("INVALID_TYPE", Some(at), message)
    }

    /// INVALID_QUERY_FILTER_OPERATOR (e.g. a malformed Id compared with an Id field).
    pub(crate) fn filter_operator(at: usize, message: impl Into<String>) -> Self {
        Self::new("INVALID_QUERY_FILTER_OPERATOR", Some(at), message)
    }

    /// NUMBER_OUTSIDE_VALID_RANGE (OFFSET above 2,000).
    pub(crate) fn out_of_range(at: usize, message: impl Into<String>) -> Self {
        Self::new("NUMBER_OUTSIDE_VALID_RANGE", Some(at), message)
    }

    /// The full message for `query`: the caret header (if positioned) and the text.
    pub(crate) fn full_message(&self, query: &str) -> String {
        match self.at {
            Some(at) => format!("{}{}", caret_header(query, at), self.message),
            None => self.message.clone(),
        }
    }

    /// The 400 answer for `query`.
    pub(crate) fn to_api_error(&self, query: &str) -> ApiError {
        ApiError::query(self.code, self.full_message(query))
    }
}

/// `\n<line>\n<spaces>^\nERROR at Row:R:Column:C\n` for byte offset `at` of `query`.
pub(crate) fn caret_header(query: &str, at: usize) -> String {
    let at = floor_char_boundary(query, at.min(query.len()));
    let line_start = query[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = query[at..].find('\n').map_or(query.len(), |i| at + i);
    let row = query[..line_start].matches('\n').count() + 1;
    let line: Vec<char> = query[line_start..line_end]
        .trim_end_matches('\r')
        .chars()
        .collect();
    let col0 = query[line_start..at].chars().count();
    let (shown, caret) = if line.len() <= LONG_LINE {
        (line.iter().collect::<String>(), col0)
    } else {
        let start = col0.saturating_sub(WINDOW_BEFORE);
        let end = (col0 + WINDOW_AFTER).min(line.len());
        (line[start..end].iter().collect(), col0 - start)
    };
    format!(
        "\n{shown}\n{}^\nERROR at Row:{row}:Column:{}\n",
        " ".repeat(caret),
        col0 + 1
    )
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_column() {
        let e = QueryError::no_such_column(7, "Foo", "Task");
        assert_eq!(
            e.full_message("SELECT Foo FROM Task"),
            "\nSELECT Foo FROM Task\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on \
             entity 'Task'. If you are attempting to use a custom field, be sure to append the \
             '__c' after the custom field name. Please reference your WSDL or the describe call \
             for the appropriate names."
        );
    }

    #[test]
    fn rows_and_columns_count_lines_and_characters() {
        let q = "SELECT Id\nFROM Tåsk";
        assert_eq!(
            caret_header(q, q.find("Tåsk").unwrap()),
            "\nFROM Tåsk\n     ^\nERROR at Row:2:Column:6\n"
        );
        let long = format!("SELECT {} FROM Task", "A,".repeat(80) + "Bad");
        let header = caret_header(&long, long.find("Bad").unwrap());
        assert!(
            header.contains(&format!("\n{}^\n", " ".repeat(30))),
            "{header}"
        );
        assert!(header.contains("Column:168"), "{header}");
    }
}
