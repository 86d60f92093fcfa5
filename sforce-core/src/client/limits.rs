//! `Sforce-Limit-Info`: the org's API usage, reported on every response.

/// API usage as reported by the last `Sforce-Limit-Info` header seen
/// (`api-usage=18/15000; per-app-api-usage=17/250(appName=x)`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiUsage {
    /// API requests used in the last 24 hours.
    pub used: u64,
    /// The org's 24-hour request allocation.
    pub max: u64,
    /// The connected app's usage, when the org sets a per-app limit.
    pub per_app: Option<PerAppUsage>,
}

/// A connected app's share of the API usage.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PerAppUsage {
    /// Requests used by the app.
    pub used: u64,
    /// The app's limit.
    pub max: u64,
    /// The app's name, when given.
    pub app_name: Option<String>,
}

impl ApiUsage {
    /// Requests left in the allocation (`max - used`, never negative).
    pub fn remaining(&self) -> u64 {
        self.max.saturating_sub(self.used)
    }

    /// Parses a `Sforce-Limit-Info` header value; `None` if it has no `api-usage` entry.
    ///
    /// ```
    /// use sforce_core::client::ApiUsage;
    /// let usage = ApiUsage::parse("api-usage=18/15000; per-app-api-usage=17/250(appName=x)").unwrap();
    /// assert_eq!((usage.used, usage.max), (18, 15000));
    /// let app = usage.per_app.unwrap();
    /// assert_eq!((app.used, app.max, app.app_name.as_deref()), (17, 250, Some("x")));
    /// ```
    pub fn parse(header: &str) -> Option<Self> {
        let mut usage = None;
        let mut per_app = None;
        for entry in header.split([';', ',']) {
            let Some((key, value)) = entry.trim().split_once('=') else {
                continue;
            };
            match key.trim() {
                "api-usage" => usage = parse_ratio(value),
                "per-app-api-usage" => {
                    let (ratio, app_name) = match value.split_once('(') {
                        Some((ratio, rest)) => {
                            let inner = rest.trim_end().trim_end_matches(')');
                            let name = inner
                                .split_once('=')
                                .map(|(_, name)| name.trim().to_owned())
                                .filter(|name| !name.is_empty());
                            (ratio, name)
                        }
                        None => (value, None),
                    };
                    per_app = parse_ratio(ratio).map(|(used, max)| PerAppUsage {
                        used,
                        max,
                        app_name,
                    });
                }
                _ => {}
            }
        }
        let (used, max) = usage?;
        Some(ApiUsage { used, max, per_app })
    }
}

fn parse_ratio(text: &str) -> Option<(u64, u64)> {
    let (used, max) = text.trim().split_once('/')?;
    Some((used.trim().parse().ok()?, max.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_per_app() {
        let usage = ApiUsage::parse("api-usage=18/15000").unwrap();
        assert_eq!(usage.used, 18);
        assert_eq!(usage.max, 15000);
        assert_eq!(usage.remaining(), 14982);
        assert_eq!(usage.per_app, None);
        let usage =
            ApiUsage::parse("api-usage=25/5000; per-app-api-usage=17/250(appName=sample-app)")
                .unwrap();
        assert_eq!(
            usage.per_app,
            Some(PerAppUsage {
                used: 17,
                max: 250,
                app_name: Some("sample-app".into())
            })
        );
        let usage = ApiUsage::parse("per-app-api-usage=1/2, api-usage=3/4").unwrap();
        assert_eq!((usage.used, usage.max), (3, 4));
        assert_eq!(usage.per_app.unwrap().app_name, None);
    }

    #[test]
    fn garbage() {
        assert_eq!(ApiUsage::parse(""), None);
        assert_eq!(ApiUsage::parse("api-usage=x/1"), None);
        assert_eq!(ApiUsage::parse("per-app-api-usage=1/2"), None);
    }
}
