//! Lifetimes, type and const parameters, where clauses and restricted visibility.
use std::borrow::Cow;
use std::marker::PhantomData;

use sforce::SObject;

mod model {
    #[derive(sforce::SObject)]
    #[sobject(name = "Log__c")]
    pub(crate) struct Log<'a, T, const N: usize>
    where
        T: Clone,
    {
        #[external_id]
        #[sobject(rename = "Key__c")]
        pub(crate) key: std::borrow::Cow<'a, str>,
        #[sobject(rename = "Payload__c")]
        pub(crate) payload: Option<T>,
        #[sobject(skip)]
        pub(crate) _marker: std::marker::PhantomData<[(); N]>,
    }
}

use model::Log;

async fn use_it(client: &sforce::client::Client) -> sforce::error::Result<()> {
    let log: Log<'static, i64, 3> = Log {
        key: Cow::Borrowed("k"),
        payload: Some(5),
        _marker: PhantomData,
    };
    log.upsert(client).await?;
    log.upsert_by_key(client).await?;
    let read: Log<'static, i64, 3> = Log::get_by_key(client, "k").await?;
    let _ = read.payload;
    Log::<'static, i64, 3>::patch()
        .set(Log::<'static, i64, 3>::FIELD.payload, 7)
        .upsert(client, Log::<'static, i64, 3>::FIELD.key, "k")
        .await?;
    Ok(())
}

fn main() {
    assert_eq!(<Log<'static, String, 1> as SObject>::API_NAME, "Log__c");
    let _ = use_it;
}
