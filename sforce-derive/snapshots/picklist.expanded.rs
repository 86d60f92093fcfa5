#[automatically_derived]
impl ::sforce::__private::v1::Picklist for CallType {
    const KNOWN: &'static [Self] = &[Self::Inbound, Self::Outbound];
    fn as_str(&self) -> &str {
        match self {
            Self::Inbound => "Inbound",
            Self::Outbound => "Outbound call",
            Self::Other(value) => ::core::convert::AsRef::<str>::as_ref(value),
        }
    }
    fn known(value: &str) -> ::core::option::Option<Self> {
        match value {
            "Inbound" => ::core::option::Option::Some(Self::Inbound),
            "Outbound call" => ::core::option::Option::Some(Self::Outbound),
            _ => ::core::option::Option::None,
        }
    }
    fn other(value: ::std::string::String) -> Self {
        Self::Other(::core::convert::From::from(value))
    }
    fn is_known(&self) -> bool {
        !::core::matches!(self, Self::Other(_))
    }
}
#[automatically_derived]
impl ::core::default::Default for CallType {
    fn default() -> Self {
        Self::Outbound
    }
}
#[automatically_derived]
impl ::core::convert::From<&str> for CallType {
    fn from(value: &str) -> Self {
        <Self as ::sforce::__private::v1::Picklist>::from_api(value)
    }
}
#[automatically_derived]
impl ::core::convert::From<::std::string::String> for CallType {
    fn from(value: ::std::string::String) -> Self {
        <Self as ::sforce::__private::v1::Picklist>::from_api_string(value)
    }
}
#[automatically_derived]
impl ::core::str::FromStr for CallType {
    type Err = ::core::convert::Infallible;
    fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
        ::core::result::Result::Ok(
            <Self as ::sforce::__private::v1::Picklist>::from_api(value),
        )
    }
}
#[automatically_derived]
impl ::core::convert::AsRef<str> for CallType {
    fn as_ref(&self) -> &str {
        <Self as ::sforce::__private::v1::Picklist>::as_str(self)
    }
}
#[automatically_derived]
impl ::core::fmt::Display for CallType {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(<Self as ::sforce::__private::v1::Picklist>::as_str(self))
    }
}
#[automatically_derived]
impl ::sforce::__private::v1::SoqlValue for CallType {
    fn write_soql(
        &self,
        out: &mut ::std::string::String,
    ) -> ::core::result::Result<(), ::sforce::__private::v1::LiteralError> {
        ::sforce::__private::v1::write_soql_text(
            out,
            <Self as ::sforce::__private::v1::Picklist>::as_str(self),
        );
        ::core::result::Result::Ok(())
    }
}
#[automatically_derived]
impl ::sforce::__private::v1::serde::Serialize for CallType {
    fn serialize<S: ::sforce::__private::v1::serde::Serializer>(
        &self,
        serializer: S,
    ) -> ::core::result::Result<S::Ok, S::Error> {
        ::sforce::__private::v1::serialize_picklist(self, serializer)
    }
}
#[automatically_derived]
impl<'de> ::sforce::__private::v1::serde::Deserialize<'de> for CallType {
    fn deserialize<D: ::sforce::__private::v1::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::core::result::Result<Self, D::Error> {
        ::sforce::__private::v1::deserialize_picklist(deserializer)
    }
}
