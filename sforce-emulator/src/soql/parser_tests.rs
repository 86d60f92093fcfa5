use super::*;

fn names(path: &Path) -> Vec<&str> {
    path.parts.iter().map(|p| p.text.as_str()).collect()
}

fn err(text: &str) -> QueryError {
    parse(text).expect_err(text)
}

#[test]
fn full_query_with_every_clause() {
    let q = parse(
        "select Id, Owner.Name, (SELECT Id FROM Tasks where Status = 'Open' ORDER BY Subject LIMIT 5), \
         What.Owner.Email FROM Account WHERE Name LIKE 'A%' AND NOT (Industry IN ('x', null) OR \
         NumberOfEmployees >= -2.5) ORDER BY Name DESC NULLS FIRST, Id asc LIMIT 10 OFFSET 20",
    )
    .unwrap();
    assert_eq!(q.from.text, "Account");
    assert_eq!(q.select.len(), 4);
    let SelectItem::Field(owner) = &q.select[1] else {
        panic!()
    };
    assert_eq!(names(owner), ["Owner", "Name"]);
    let SelectItem::Subquery(sub) = &q.select[2] else {
        panic!()
    };
    assert_eq!(sub.from.text, "Tasks");
    assert_eq!(sub.limit.unwrap().value, 5);
    let SelectItem::Field(deep) = &q.select[3] else {
        panic!()
    };
    assert_eq!(names(deep), ["What", "Owner", "Email"]);
    let Some(Condition::And(parts)) = &q.filter else {
        panic!("{:?}", q.filter)
    };
    assert!(matches!(&parts[0], Condition::Like { .. }));
    let Condition::Not(inner) = &parts[1] else {
        panic!()
    };
    let Condition::Or(alternatives) = inner.as_ref() else {
        panic!()
    };
    let Condition::In {
        values, negated, ..
    } = &alternatives[0]
    else {
        panic!()
    };
    assert!(!negated);
    assert_eq!(values[1].value, LiteralValue::Null);
    let Condition::Compare { op, value, .. } = &alternatives[1] else {
        panic!()
    };
    assert_eq!(
        (*op, &value.value),
        (CompareOp::Ge, &LiteralValue::Number(-2.5))
    );
    assert_eq!(q.order_by.len(), 2);
    assert!(q.order_by[0].descending && q.order_by[0].nulls_first());
    assert!(!q.order_by[1].descending && q.order_by[1].nulls_first());
    assert_eq!((q.limit.unwrap().value, q.offset.unwrap().value), (10, 20));
}

#[test]
fn literals_of_every_kind() {
    let q = parse(
        "SELECT Id FROM Task WHERE a = true AND b = FALSE AND c != NULL AND d = 2021-07-20 AND \
         e < 2021-07-20T10:00:00.5+0200 AND f = LAST_N_DAYS:7 AND g = this_month AND h NOT IN \
         ('x','y') AND i <> 'z' AND j > 3",
    )
    .unwrap();
    let Some(Condition::And(parts)) = q.filter else {
        panic!()
    };
    let values: Vec<&LiteralValue> = parts
        .iter()
        .map(|c| match c {
            Condition::Compare { value, .. } => &value.value,
            Condition::In {
                values, negated, ..
            } => {
                assert!(negated);
                &values[0].value
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(values[0], &LiteralValue::Bool(true));
    assert_eq!(values[1], &LiteralValue::Bool(false));
    assert_eq!(values[2], &LiteralValue::Null);
    assert!(matches!(values[3], LiteralValue::Date(d) if d.to_string() == "2021-07-20"));
    let LiteralValue::DateTime(dt) = values[4] else {
        panic!()
    };
    assert_eq!(dt.unix_timestamp(), 1_626_768_000);
    assert_eq!(
        values[5],
        &LiteralValue::DateLiteral(DateLiteral::with_n("LAST_N_DAYS", 7).unwrap())
    );
    assert_eq!(
        values[6],
        &LiteralValue::DateLiteral(DateLiteral::fixed("THIS_MONTH").unwrap())
    );
    assert_eq!(values[7], &LiteralValue::Str("'x'".into()));
    let Condition::Compare { op, .. } = &parts[8] else {
        panic!()
    };
    assert_eq!(*op, CompareOp::Ne);
}

#[test]
fn count_and_keywords_as_names() {
    let q = parse("SELECT COUNT() FROM Order WHERE Name = 'x' LIMIT 1").unwrap();
    assert!(matches!(q.select[0], SelectItem::Count(7)));
    assert_eq!(q.from.text, "Order");
}

#[test]
fn unexpected_tokens_are_located() {
    let e = err("SELECT Id FORM Task");
    assert_eq!((e.code, e.at), ("MALFORMED_QUERY", Some(10)));
    assert_eq!(e.message, "unexpected token: 'FORM'");
    assert_eq!(err("SELECT FROM Task").message, "unexpected token: 'FROM'");
    assert_eq!(err("SELECT Id FROM").message, "unexpected token: '<EOF>'");
    assert_eq!(
        err("SELECT Id FROM Task WHERE").message,
        "unexpected token: '<EOF>'"
    );
    assert_eq!(
        err("SELECT Id, FROM Task").message,
        "unexpected token: 'FROM'"
    );
    assert_eq!(
        err("SELECT Id FROM Task LIMIT x").message,
        "unexpected token: 'x'"
    );
    assert_eq!(
        err("SELECT Id FROM Task LIMIT -1").message,
        "unexpected token: '-1'"
    );
    assert_eq!(
        err("SELECT Id FROM Task WHERE Name 'x'").message,
        "unexpected token: ''x''"
    );
    assert_eq!(
        err("SELECT Id FROM Task WHERE Name = ").message,
        "unexpected token: '<EOF>'"
    );
    assert_eq!(
        err("SELECT Id FROM Task WHERE (Name = 'x'").message,
        "unexpected token: '<EOF>'"
    );
    assert_eq!(
        err("SELECT Id FROM Task x y").message,
        "unexpected token: 'x'"
    );
    assert_eq!(
        err("SELECT Id FROM Task WHERE A = SOMEDAY").message,
        "unexpected token: 'SOMEDAY'"
    );
    assert_eq!(
        err("SELECT Id FROM Task ORDER BY Id NULLS").message,
        "unexpected token: '<EOF>'"
    );
}

#[test]
fn and_or_mixing_needs_parentheses() {
    let e = err("SELECT Id FROM Task WHERE A = 1 AND B = 2 OR C = 3");
    assert_eq!(
        (e.message.as_str(), e.at),
        ("unexpected token: 'OR'", Some(42))
    );
    let e = err("SELECT Id FROM Task WHERE A = 1 OR B = 2 AND C = 3");
    assert_eq!(e.message, "unexpected token: 'AND'");
    assert!(parse("SELECT Id FROM Task WHERE (A = 1 AND B = 2) OR C = 3").is_ok());
    assert!(parse("SELECT Id FROM Task WHERE NOT A = 1 AND B = 2").is_ok());
}

#[test]
fn unsupported_features_are_named() {
    for (text, word) in [
        ("SELECT Id FROM Task GROUP BY Id", "GROUP"),
        ("SELECT Id FROM Task WITH SECURITY_ENFORCED", "WITH"),
        ("SELECT Id FROM Task FOR UPDATE", "FOR"),
        ("SELECT COUNT(Id) FROM Task", "aggregate"),
        ("SELECT MAX(Id) FROM Task", "MAX"),
        (
            "SELECT Id FROM Account WHERE Id IN (SELECT WhatId FROM Task)",
            "semi-join",
        ),
    ] {
        let e = err(text);
        assert_eq!(e.code, "MALFORMED_QUERY");
        assert!(e.message.contains(word), "{text}: {}", e.message);
        assert!(
            e.message.contains("sforce emulator"),
            "{text}: {}",
            e.message
        );
    }
    let e = err("SELECT Id, (SELECT Id, (SELECT Id FROM C) FROM B) FROM A");
    assert!(e.message.contains("Nesting"), "{}", e.message);
}

#[test]
fn bad_date_literal_argument() {
    let e = err("SELECT Id FROM Task WHERE ActivityDate = LAST_N_DAYS:x");
    assert_eq!(e.message, "unexpected token: 'x'");
    let e = err("SELECT Id FROM Task WHERE ActivityDate = LAST_N_DAYS:1000000");
    assert!(e.message.contains("Invalid date literal"), "{}", e.message);
    let e = err("SELECT Id FROM Task WHERE ActivityDate = 2021-13-45");
    assert_eq!((e.code, e.at), ("MALFORMED_QUERY", Some(41)));
}

#[test]
fn includes_and_excludes() {
    let q =
        parse("SELECT Id FROM X WHERE Tags__c INCLUDES ('a;b', 'c') AND Tags__c EXCLUDES ('d')")
            .unwrap();
    let Some(Condition::And(parts)) = q.filter else {
        panic!()
    };
    assert!(
        matches!(&parts[0], Condition::Includes { negated: false, values, .. } if values.len() == 2)
    );
    assert!(matches!(
        &parts[1],
        Condition::Includes { negated: true, .. }
    ));
    assert_eq!(
        err("SELECT Id FROM X WHERE T INCLUDES 'a'").message,
        "unexpected token: ''a''"
    );
}
