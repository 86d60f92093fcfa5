//! Unit tests of `buffer`: merging, job limits, padding, content joins, reuse.

use super::*;

fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cols(cells)
}

fn upsert_buffer(limit: usize) -> JobBuffer {
    let key = RowKey::Column {
        name: "uuid__c".into(),
        fold: KeyFold::Lowercase,
    };
    JobBuffer::new(
        &cols(&["uuid__c", "Subject", "Status"]),
        key,
        limit,
        Default::default(),
        Spare::default(),
    )
}

#[test]
fn writes_to_one_key_merge_field_by_field_later_wins() {
    let mut b = upsert_buffer(1 << 20);
    assert_eq!(b.add(0, &row(&["K1", "first", ""])), Ok(Added::New));
    assert_eq!(b.add(1, &row(&["K2", "other", ""])), Ok(Added::New));
    assert_eq!(b.add(2, &row(&["k1", "", "Completed"])), Ok(Added::Merged));
    assert_eq!(b.add(3, &row(&["K1", "#N/A", ""])), Ok(Added::Merged));
    assert_eq!(b.rows(), 2);
    let (csv, mut index) = b.finish();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "uuid__c,Subject,Status\nK2,other,\nK1,#N/A,Completed\n"
    );
    assert_eq!(index.take(["K1", "x", "y"]), Some(vec![0, 2, 3]));
    assert_eq!(index.take(["K1", "x", "y"]), None);
    assert_eq!(index.unanswered(), vec![vec![1]]);
}

#[test]
fn a_full_job_refuses_new_keys_but_still_merges() {
    let mut b = upsert_buffer(40);
    b.add(0, &row(&["K1", "aaaaaaaa", ""])).unwrap();
    assert_eq!(
        b.add(1, &row(&["K2", "bbbbbbbbbbbb", ""])),
        Err(Refused::Full)
    );
    assert_eq!(b.add(2, &row(&["K1", "", "x"])), Ok(Added::Merged));
    assert_eq!(b.rows(), 1);
}

#[test]
fn new_columns_pad_earlier_rows_and_content_join_ignores_padding() {
    let mut b = JobBuffer::new(
        &cols(&["Subject"]),
        RowKey::Content,
        1 << 20,
        Default::default(),
        Spare::default(),
    );
    b.add(0, &row(&["a"])).unwrap();
    b.add(1, &row(&["a"])).unwrap();
    let i = b.column_index("Owner.Ext__c");
    assert_eq!(i, 1);
    b.add(2, &row(&["b", "U1"])).unwrap();
    let (csv, mut index) = b.finish();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "Subject,Owner.Ext__c\na,\na,\nb,U1\n"
    );
    assert_eq!(index.take(["a", ""]), Some(vec![1]));
    assert_eq!(index.take(["a", ""]), Some(vec![0]));
    assert_eq!(index.take(["a", ""]), None);
    assert_eq!(index.take(["b", "U1"]), Some(vec![2]));
}

#[test]
fn an_unused_relationship_column_gives_way_to_its_dotted_columns() {
    let mut b = JobBuffer::new(
        &cols(&["Subject", "What"]),
        RowKey::Content,
        1 << 20,
        Default::default(),
        Spare::default(),
    );
    let at = b.column_index("What.ExtId__c");
    let mut cells = row(&["s", "", ""]);
    cells[at] = "A1".into();
    b.add(0, &cells).unwrap();
    let (csv, mut index) = b.finish();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "Subject,What.ExtId__c\ns,A1\n"
    );
    assert_eq!(index.take(["s", "A1"]), Some(vec![0]));
}

#[test]
fn many_writes_to_one_key_stay_compact() {
    let mut b = upsert_buffer(1 << 20);
    for i in 0..10_000u64 {
        b.add(i, &row(&["K", &i.to_string(), ""])).unwrap();
    }
    assert!(b.data.len() < 200, "{}", b.data.len());
    let (csv, mut index) = b.finish();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "uuid__c,Subject,Status\nK,9999,\n"
    );
    assert_eq!(index.take(["k", "", ""]).unwrap().len(), 10_000);
}

#[test]
fn a_finished_job_hands_its_allocations_to_the_next() {
    let mut b = upsert_buffer(1 << 20);
    for i in 0..1_000u64 {
        b.add(i, &row(&[&format!("K{i}"), "s", ""])).unwrap();
    }
    let (csv, index) = b.finish();
    let spare = index.recycle().with_data(csv);
    assert!(spare.slots.is_empty() && spare.slots.capacity() >= 1_000);
    assert!(spare.by_hash.is_empty() && spare.by_hash.capacity() >= 1_000);
    assert!(spare.data.is_empty() && spare.data.capacity() > 1_000 * 4);
    let key = RowKey::Column {
        name: "uuid__c".into(),
        fold: KeyFold::Lowercase,
    };
    let mut next = JobBuffer::new(
        &cols(&["uuid__c", "Subject"]),
        key,
        1 << 20,
        Default::default(),
        spare,
    );
    assert_eq!(next.add(0, &row(&["K1", "again"])), Ok(Added::New));
    let (csv, mut index) = next.finish();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "uuid__c,Subject\nK1,again\n"
    );
    assert_eq!(index.take(["k1", ""]), Some(vec![0]));
    assert_eq!(index.unanswered(), Vec::<Vec<u64>>::new());
}
