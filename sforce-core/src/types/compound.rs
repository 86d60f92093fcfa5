//! Compound fields: [`Address`] and [`Geolocation`]. Salesforce builds them from their
//! component fields and never accepts them in a write: write the components instead.

use serde::{Deserialize, Serialize};

/// A compound address field such as Account `BillingAddress` (read-only: write the component
/// fields such as `BillingStreet`).
///
/// ```
/// let a: sforce::types::Address = serde_json::from_str(
///     r#"{"street":"1 Main St","city":"Springfield","postalCode":"12345","latitude":null}"#,
/// ).unwrap();
/// assert_eq!(a.postal_code.as_deref(), Some("12345"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Address {
    /// Street.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// State code (with state and country picklists enabled).
    pub state_code: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Country code (with state and country picklists enabled).
    pub country_code: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Accuracy of the geocode (`Address`, `Street`, `City`, ...).
    pub geocode_accuracy: Option<String>,
}

/// A compound geolocation field (read-only: write its `__Latitude__s` / `__Longitude__s`
/// components).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Geolocation {
    /// Latitude in degrees.
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    pub longitude: Option<f64>,
}

impl Geolocation {
    /// A location at these coordinates.
    pub fn new(latitude: f64, longitude: f64) -> Self {
        Geolocation {
            latitude: Some(latitude),
            longitude: Some(longitude),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn address_reads_every_part_and_ignores_unknown_keys() {
        let a: Address = serde_json::from_value(json!({
            "street": "1 Main St", "city": "Springfield", "state": "Oregon", "stateCode": "OR",
            "postalCode": "97477", "country": "United States", "countryCode": "US",
            "latitude": 44.05, "longitude": -123.02, "geocodeAccuracy": "Address", "new": 1
        }))
        .unwrap();
        assert_eq!(a.state_code.as_deref(), Some("OR"));
        assert_eq!(a.longitude, Some(-123.02));
        let back = serde_json::to_value(&a).unwrap();
        assert_eq!(back["geocodeAccuracy"], "Address");
        assert_eq!(Address::default().street, None);
    }

    #[test]
    fn geolocation_round_trips() {
        let g = Geolocation::new(37.79, -122.39);
        let json = serde_json::to_value(g).unwrap();
        assert_eq!(json, json!({"latitude": 37.79, "longitude": -122.39}));
        let back: Geolocation = serde_json::from_value(json).unwrap();
        assert_eq!(back, g);
        let empty: Geolocation =
            serde_json::from_value(json!({"latitude": null, "longitude": null})).unwrap();
        assert_eq!(empty, Geolocation::default());
    }
}
