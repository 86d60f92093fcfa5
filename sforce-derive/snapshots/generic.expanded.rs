#[automatically_derived]
#[allow(unused_braces)]
impl<'a, T> ::sforce::__private::v1::SObject for Wrapper<'a, T>
where
    T: Clone,
    Option<
        T,
    >: ::sforce::__private::v1::Serialize + ::sforce::__private::v1::DeserializeOwned,
    T: ::sforce::__private::v1::Serialize,
{
    const API_NAME: &'static str = "Wrapper";
    const FIELDS: &'static [::sforce::__private::v1::FieldMeta] = &[
        ::sforce::__private::v1::FieldMeta::new("Key__c", "key").external_id(false),
        ::sforce::__private::v1::FieldMeta::new("Value__c", "value"),
    ];
    #[inline]
    fn write_fields(&self, __body: &mut ::sforce::__private::v1::WriteBody) {
        __body.value("Key__c", { &self.key });
        __body.option("Value__c", { &self.value });
    }
    #[inline]
    fn from_record(
        __record: &mut ::sforce::__private::v1::RecordReader,
    ) -> ::core::result::Result<Self, ::sforce::__private::v1::DecodeError> {
        ::core::result::Result::Ok(Self {
            key: __record.read("Key__c")?,
            value: __record.read("Value__c")?,
        })
    }
    #[inline]
    fn external_id(
        &self,
        __api_name: &str,
    ) -> ::core::option::Option<::std::string::String> {
        if __api_name.eq_ignore_ascii_case("Key__c") {
            let __v = &self.key;
            return ::sforce::__private::v1::ExternalIdValue::to_external_id({ __v });
        }
        ::core::option::Option::None
    }
}
/// Typed tokens for the fields of [`Wrapper`], as `Wrapper::FIELD` (relationships excepted).
struct WrapperFields<'a, T>
where
    T: Clone,
{
    /// The external ID `Key__c`: a key for `Patch::upsert`.
    key: ::sforce::__private::v1::ExternalIdRef<
        Wrapper<'a, T>,
        std::borrow::Cow<'a, str>,
    >,
    /// `Value__c`, for `Patch::set` / `Patch::null`.
    value: ::sforce::__private::v1::FieldRef<Wrapper<'a, T>, T>,
}
#[automatically_derived]
#[allow(unused_braces)]
impl<'a, T> Wrapper<'a, T>
where
    T: Clone,
    Option<
        T,
    >: ::sforce::__private::v1::Serialize + ::sforce::__private::v1::DeserializeOwned,
    T: ::sforce::__private::v1::Serialize,
{
    /// Typed field tokens: `Wrapper::FIELD.<field>`.
    const FIELD: WrapperFields<'a, T> = WrapperFields {
        key: ::sforce::__private::v1::ExternalIdRef::__new("Key__c", false),
        value: ::sforce::__private::v1::FieldRef::__new("Value__c"),
    };
    /// Upserts this record by `Key__c` (`PATCH Wrapper/Key__c/<value>`), race-free within this client.
    #[inline]
    fn upsert_by_key(
        &self,
        client: &::sforce::__private::v1::Client,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<::sforce::__private::v1::UpsertOutcome>,
    > + use<'a, T> {
        ::sforce::__private::v1::upsert(client, self, Self::FIELD.key)
    }
    /// Upserts this record by `Key__c` (`PATCH Wrapper/Key__c/<value>`), race-free within this client.
    #[inline]
    fn upsert(
        &self,
        client: &::sforce::__private::v1::Client,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<::sforce::__private::v1::UpsertOutcome>,
    > + use<'a, T> {
        ::sforce::__private::v1::upsert(client, self, Self::FIELD.key)
    }
    /// Reads the record whose `Key__c` is `value`, selecting exactly this struct's fields.
    #[inline]
    fn get_by_key<__V: ::core::convert::Into<std::borrow::Cow<'a, str>>>(
        client: &::sforce::__private::v1::Client,
        value: __V,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<Self>,
    > + use<'a, __V, T> {
        let value: std::borrow::Cow<'a, str> = value.into();
        let __v = &value;
        ::sforce::__private::v1::get_by_external_id(
            client,
            Self::FIELD.key,
            ::sforce::__private::v1::ExternalIdValue::to_external_id({ __v }),
        )
    }
    /// Reads the record with this Id, selecting exactly this struct's fields.
    #[inline]
    fn get_by_id(
        client: &::sforce::__private::v1::Client,
        id: &::sforce::__private::v1::Id,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<Self>,
    > + use<'a, T> {
        ::sforce::__private::v1::get_by_id(client, id)
    }
    /// A typed query selecting exactly this struct's fields (`SELECT ... FROM ...`), with
    /// filters on `FIELD` tokens.
    #[inline]
    fn select() -> ::sforce::__private::v1::Select<Self> {
        ::sforce::__private::v1::Select::new()
    }
    /// A typed partial write: every field starts unchanged.
    #[inline]
    fn patch() -> ::sforce::__private::v1::Patch<Self> {
        ::sforce::__private::v1::Patch::new()
    }
}
