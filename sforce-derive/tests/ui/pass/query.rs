//! Typed selects: every operator on the value types that allow it, relationships, ordering.
use sforce::query::{Like, QueryResult};
use sforce::{Date, DateTime, Id, Time};

#[derive(Debug, sforce::SObject)]
#[sobject(name = "User")]
pub struct Owner {
    pub name: Option<String>,
}

#[derive(Debug, sforce::SObject)]
#[sobject(name = "Contact")]
pub struct Contact {
    #[sobject(id)]
    pub id: Option<Id>,
    pub last_name: Option<String>,
}

#[derive(Debug, sforce::SObject)]
#[sobject(name = "Account")]
pub struct Account {
    #[sobject(id)]
    pub id: Option<Id>,
    #[external_id]
    #[sobject(rename = "Code__c")]
    pub code: Option<String>,
    pub name: String,
    #[sobject(rename = "Flag__c")]
    pub flag: bool,
    #[sobject(rename = "Count__c")]
    pub count: Option<i32>,
    #[sobject(rename = "Amount__c")]
    pub amount: Option<f64>,
    #[sobject(rename = "Due__c")]
    pub due: Option<Date>,
    #[sobject(rename = "At__c")]
    pub at: sforce::Field<DateTime>,
    #[sobject(rename = "Opens__c")]
    pub opens: Option<Time>,
    #[sobject(read_only)]
    pub created_date: Option<DateTime>,
    #[sobject(relationship)]
    pub owner: Option<Owner>,
    #[sobject(relationship)]
    pub contacts: QueryResult<Contact>,
}

fn main() {
    let f = Account::FIELD;
    let date = Date::from_ymd(2021, 7, 20).unwrap();
    let cond = f
        .name
        .eq("a")
        .and(f.name.ne(String::from("b")))
        .and(f.name.like(Like::pattern("A%")))
        .and(f.name.contains("%").or(f.name.starts_with("x")).or(f.name.ends_with("y")))
        .and(f.name.lt("m").and(f.name.ge("c")))
        .and(f.code.in_(["k1", "k2"]))
        .and(f.flag.eq(true).not())
        .and(f.count.gt(1).and(f.count.le(9)).and(f.count.not_in([3, 4])))
        .and(f.amount.ge(1.5).and(f.amount.lt(2)))
        .and(f.due.le(date).and(f.due.is_not_null()))
        .and(f.at.is_null().or(f.created_date.gt(DateTime::now_utc())))
        .and(f.opens.ge(Time::from_hms_milli(9, 0, 0, 0).unwrap()))
        .and(f.id.ne(Id::new("001000000000001AAA").unwrap()));
    let select = Account::select()
        .filter(cond)
        .order_by(f.name)
        .order_by(f.created_date.desc().nulls_last())
        .limit(5)
        .offset(1);
    let soql = select.to_soql().unwrap();
    assert!(soql.as_str().starts_with(
        "SELECT Id, Code__c, Name, Flag__c, Count__c, Amount__c, Due__c, At__c, Opens__c, \
         CreatedDate, Owner.Name, (SELECT Id, LastName FROM Contacts) FROM Account WHERE "
    ));
    let _ = sforce::Client::select::<Account>;
}
