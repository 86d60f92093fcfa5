#[automatically_derived]
#[allow(unused_braces)]
impl ::sforce::__private::v1::SObject for CallLog {
    const API_NAME: &'static str = "Task";
    const FIELDS: &'static [::sforce::__private::v1::FieldMeta] = &[
        ::sforce::__private::v1::FieldMeta::new("Id", "id").id(),
        ::sforce::__private::v1::FieldMeta::new("uuid__c", "uuid").external_id(false),
        ::sforce::__private::v1::FieldMeta::new("Code__c", "code").external_id(true),
        ::sforce::__private::v1::FieldMeta::new("Description", "description"),
        ::sforce::__private::v1::FieldMeta::new("Status", "status"),
        ::sforce::__private::v1::FieldMeta::new(
            "CallDurationInSeconds",
            "call_duration_in_seconds",
        ),
        ::sforce::__private::v1::FieldMeta::new("CreatedDate", "created_date")
            .read_only(),
    ];
    #[inline]
    fn write_fields(&self, __body: &mut ::sforce::__private::v1::WriteBody) {
        __body.value("uuid__c", { &self.uuid });
        __body.option("Code__c", { &self.code });
        __body.option("Description", { &self.description });
        __body.field("Status", { &self.status });
        __body.value("CallDurationInSeconds", { &self.call_duration_in_seconds });
    }
    #[inline]
    fn from_record(
        __record: &mut ::sforce::__private::v1::RecordReader,
    ) -> ::core::result::Result<Self, ::sforce::__private::v1::DecodeError> {
        ::core::result::Result::Ok(Self {
            id: __record.read("Id")?,
            uuid: __record.read("uuid__c")?,
            code: __record.read("Code__c")?,
            description: __record.read("Description")?,
            status: __record.read_field("Status")?,
            call_duration_in_seconds: __record.read("CallDurationInSeconds")?,
            created_date: __record.read("CreatedDate")?,
            local_only: ::core::default::Default::default(),
        })
    }
    #[inline]
    fn external_id(
        &self,
        __api_name: &str,
    ) -> ::core::option::Option<::std::string::String> {
        if __api_name.eq_ignore_ascii_case("uuid__c") {
            let __v = &self.uuid;
            return ::sforce::__private::v1::ExternalIdValue::to_external_id({ __v });
        }
        if __api_name.eq_ignore_ascii_case("Code__c") {
            let __v = &self.code;
            return ::sforce::__private::v1::ExternalIdValue::to_external_id({ __v });
        }
        ::core::option::Option::None
    }
}
/// Typed tokens for the fields of [`CallLog`], as `CallLog::FIELD` (relationships excepted).
pub struct CallLogFields {
    /// `Id` (read-only), for query filters and ordering.
    pub id: ::sforce::__private::v1::ReadOnlyRef<CallLog, sforce::Id>,
    /// The external ID `uuid__c`: a key for `Patch::upsert`.
    pub uuid: ::sforce::__private::v1::ExternalIdRef<CallLog, String>,
    /// The external ID `Code__c`: a key for `Patch::upsert`.
    pub code: ::sforce::__private::v1::ExternalIdRef<CallLog, String>,
    /// `Description`, for `Patch::set` / `Patch::null`.
    pub description: ::sforce::__private::v1::FieldRef<CallLog, String>,
    /// `Status`, for `Patch::set` / `Patch::null`.
    pub status: ::sforce::__private::v1::FieldRef<CallLog, String>,
    /// `CallDurationInSeconds`, for `Patch::set` / `Patch::null`.
    pub call_duration_in_seconds: ::sforce::__private::v1::FieldRef<CallLog, i32>,
    /// `CreatedDate` (read-only), for query filters and ordering.
    pub created_date: ::sforce::__private::v1::ReadOnlyRef<CallLog, sforce::DateTime>,
}
#[automatically_derived]
#[allow(unused_braces)]
impl CallLog {
    /// Typed field tokens: `CallLog::FIELD.<field>`.
    pub const FIELD: CallLogFields = CallLogFields {
        id: ::sforce::__private::v1::ReadOnlyRef::__new("Id"),
        uuid: ::sforce::__private::v1::ExternalIdRef::__new("uuid__c", false),
        code: ::sforce::__private::v1::ExternalIdRef::__new("Code__c", true),
        description: ::sforce::__private::v1::FieldRef::__new("Description"),
        status: ::sforce::__private::v1::FieldRef::__new("Status"),
        call_duration_in_seconds: ::sforce::__private::v1::FieldRef::__new(
            "CallDurationInSeconds",
        ),
        created_date: ::sforce::__private::v1::ReadOnlyRef::__new("CreatedDate"),
    };
    /// Upserts this record by `uuid__c` (`PATCH Task/uuid__c/<value>`), race-free within this client.
    #[inline]
    pub fn upsert_by_uuid(
        &self,
        client: &::sforce::__private::v1::Client,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<::sforce::__private::v1::UpsertOutcome>,
    > + use<> {
        ::sforce::__private::v1::upsert(client, self, Self::FIELD.uuid)
    }
    /// Reads the record whose `uuid__c` is `value`, selecting exactly this struct's fields.
    #[inline]
    pub fn get_by_uuid<__V: ::core::convert::Into<String>>(
        client: &::sforce::__private::v1::Client,
        value: __V,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<Self>,
    > + use<__V> {
        let value: String = value.into();
        let __v = &value;
        ::sforce::__private::v1::get_by_external_id(
            client,
            Self::FIELD.uuid,
            ::sforce::__private::v1::ExternalIdValue::to_external_id({ __v }),
        )
    }
    /// Upserts this record by `Code__c` (`PATCH Task/Code__c/<value>`), race-free within this client.
    #[inline]
    pub fn upsert_by_code(
        &self,
        client: &::sforce::__private::v1::Client,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<::sforce::__private::v1::UpsertOutcome>,
    > + use<> {
        ::sforce::__private::v1::upsert(client, self, Self::FIELD.code)
    }
    /// Reads the record whose `Code__c` is `value`, selecting exactly this struct's fields.
    #[inline]
    pub fn get_by_code<__V: ::core::convert::Into<String>>(
        client: &::sforce::__private::v1::Client,
        value: __V,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<Self>,
    > + use<__V> {
        let value: String = value.into();
        let __v = &value;
        ::sforce::__private::v1::get_by_external_id(
            client,
            Self::FIELD.code,
            ::sforce::__private::v1::ExternalIdValue::to_external_id({ __v }),
        )
    }
    /// Reads the record with this Id, selecting exactly this struct's fields.
    #[inline]
    pub fn get_by_id(
        client: &::sforce::__private::v1::Client,
        id: &::sforce::__private::v1::Id,
    ) -> impl ::core::future::Future<
        Output = ::sforce::__private::v1::Result<Self>,
    > + use<> {
        ::sforce::__private::v1::get_by_id(client, id)
    }
    /// A typed query selecting exactly this struct's fields (`SELECT ... FROM ...`), with
    /// filters on `FIELD` tokens.
    #[inline]
    pub fn select() -> ::sforce::__private::v1::Select<Self> {
        ::sforce::__private::v1::Select::new()
    }
    /// A typed partial write: every field starts unchanged.
    #[inline]
    pub fn patch() -> ::sforce::__private::v1::Patch<Self> {
        ::sforce::__private::v1::Patch::new()
    }
}
