//! Scope: whether a web page belongs to one of the profiles listed for the person an access
//! session is about.
//!
//! Addresses are compared in a canonical form, so that the same profile reached through the
//! mobile site, an old domain name, a tracking parameter or a trailing slash is still the same
//! profile. A page is within a profile when it is on the same site and its path is the
//! profile's path or continues it after a `/`: `facebook.com/jane.doe/photos` is within
//! `facebook.com/jane.doe`, but `facebook.com/jane.doe2` is not.
//!
//! The comparison fails closed: anything that does not clearly continue a listed profile's
//! address is out of scope, including a post on Instagram (`instagram.com/p/…`), whose address
//! does not name its author.

use serde::Serialize;
use std::fmt;
use url::Url;

/// A profile or page address in canonical form, without its scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct NormalisedUrl {
    /// The lower-case host, without `www.`, `m.`, `mobile.` or `web.`, with old names replaced
    /// by current ones (`twitter.com` is `x.com`, `fb.com` is `facebook.com`). A port other than
    /// the scheme's default is kept, as `host:port`, so that such an address matches nothing.
    pub host: String,
    /// The lower-case path: empty, or starting with `/` and never ending with one. It has no
    /// query or fragment, except Facebook's `/profile.php?id=NNN`, where the id is the identity.
    pub path: String,
}

impl fmt::Display for NormalisedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.host, self.path)
    }
}

/// Why an address could not be read as a web page's address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("no web address was given")]
    Empty,
    #[error("this is not a web address: a profile's address looks like https://www.facebook.com/jane.doe")]
    NotAWebAddress,
    #[error("only web pages (http or https) can be checked, not {scheme} addresses")]
    NotHttp { scheme: String },
    #[error("the web address has no site name (such as www.facebook.com)")]
    NoHost,
}

/// The prefixes that name a mobile or alternative version of the same site.
const HOST_PREFIXES_TO_STRIP: &[&str] = &["www.", "m.", "mobile.", "web."];

/// Old or short site names and the canonical name each stands for.
/// The platforms a profile may be on, by the name a request gives them; the policy allows
/// some or all of them (`[platforms] allowed`) and may define more (`[platforms.defined]`).
pub const KNOWN_PLATFORMS: &[&str] =
    &["facebook", "instagram", "x", "tiktok", "linkedin", "youtube", "snapchat", "threads", "reddit"];

/// The built-in platforms: the name a request gives each, the name people read, and the
/// hosts its addresses are on (a subdomain of one counts: `old.reddit.com` is Reddit's).
pub const BUILT_IN_PLATFORMS: &[(&str, &str, &[&str])] = &[
    ("facebook", "Facebook", &["facebook.com", "fb.com"]),
    ("instagram", "Instagram", &["instagram.com"]),
    ("x", "X (Twitter)", &["x.com", "twitter.com"]),
    ("tiktok", "TikTok", &["tiktok.com"]),
    ("linkedin", "LinkedIn", &["linkedin.com"]),
    ("youtube", "YouTube", &["youtube.com", "youtu.be"]),
    ("snapchat", "Snapchat", &["snapchat.com"]),
    ("threads", "Threads", &["threads.net", "threads.com"]),
    ("reddit", "Reddit", &["reddit.com"]),
];

/// Whether an address is on one of the hosts (the host itself or a subdomain of it). An
/// address on this computer (`localhost`, `127.0.0.1`, `::1`: a saved copy or a training
/// site) is on no platform's hosts and is taken as on any; an address that cannot be read
/// is not on any.
pub fn address_on_hosts<H: AsRef<str>>(url: &str, hosts: &[H]) -> bool {
    let Ok(parsed) = Url::parse(url.trim()) else { return false };
    let on_this_computer = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    on_this_computer || host_on(url, hosts)
}

/// Whether an address's host is one of the hosts or a subdomain of one.
pub fn host_on<H: AsRef<str>>(url: &str, hosts: &[H]) -> bool {
    let Some(host) = Url::parse(url.trim()).ok().and_then(|u| match u.host() {
        Some(url::Host::Domain(domain)) => Some(domain.trim_end_matches('.').to_ascii_lowercase()),
        _ => None,
    }) else {
        return false;
    };
    hosts.iter().map(AsRef::as_ref).any(|h| host == h || host.ends_with(&format!(".{h}")))
}

const HOST_ALIASES: &[(&str, &str)] = &[("twitter.com", "x.com"), ("fb.com", "facebook.com")];

/// Facebook's address for a profile without a vanity name; its `id` parameter is the identity.
const FACEBOOK_PROFILE_PHP: &str = "/profile.php";

/// Reads an address into its canonical form. An address typed without `http://` or `https://`
/// (such as `facebook.com/jane.doe`) is read as `https://`.
pub fn normalise_profile_url(url: &str) -> Result<NormalisedUrl, ScopeError> {
    let text = url.trim();
    if text.is_empty() {
        return Err(ScopeError::Empty);
    }
    let parsed = match Url::parse(text) {
        // `facebook.com:8443/jane.doe` reads as the scheme `facebook.com`: no web scheme has a dot.
        Ok(parsed) if !parsed.scheme().contains('.') => parsed,
        Ok(_) | Err(url::ParseError::RelativeUrlWithoutBase) => {
            Url::parse(&format!("https://{}", text.trim_start_matches('/'))).map_err(parse_error)?
        }
        Err(error) => return Err(parse_error(error)),
    };
    let scheme = parsed.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(ScopeError::NotHttp { scheme: scheme.to_string() });
    }
    let host = canonical_host(&parsed)?;
    let mut path = canonical_path(parsed.path());
    if host == "facebook.com"
        && path == FACEBOOK_PROFILE_PHP
        && let Some(id) = facebook_profile_id(&parsed)
    {
        path = format!("{FACEBOOK_PROFILE_PHP}?id={id}");
    }
    Ok(NormalisedUrl { host, path })
}

impl NormalisedUrl {
    /// Whether this address names one person's profile, rather than a whole site or Facebook's
    /// `profile.php` without an id. Only such an address can put pages in scope.
    pub fn names_a_profile(&self) -> bool {
        let facebook_profile_php_without_id = self.host == "facebook.com" && self.path == FACEBOOK_PROFILE_PHP;
        !self.path.is_empty() && !facebook_profile_php_without_id
    }

    /// Whether this page is within `profile`: on the same site, at the profile's path or below
    /// it after a `/`. Nothing is within an address that does not name a profile.
    pub fn is_within(&self, profile: &NormalisedUrl) -> bool {
        if !profile.names_a_profile() || self.host != profile.host {
            return false;
        }
        match self.path.strip_prefix(&profile.path) {
            Some(rest) => rest.is_empty() || rest.starts_with('/'),
            None => false,
        }
    }
}

/// The first listed profile that the page at `url` falls within, or `None` if it is within none
/// of them. Listed profiles that cannot be read are skipped; a page address that cannot be read
/// is an error.
pub fn url_in_profiles<'a>(url: &str, profiles: &'a [String]) -> Result<Option<&'a String>, ScopeError> {
    let page = normalise_profile_url(url)?;
    Ok(profiles.iter().find(|profile| normalise_profile_url(profile).is_ok_and(|profile| page.is_within(&profile))))
}

/// Whose page a capture is, as a position among the request's people (from 1): the person
/// whose listed profile the page's address falls within — the session's own person first,
/// then the others in order — whoever the session was started on. A page within none of the
/// listed profiles is the session's person's: it was captured only with the worker's reason
/// why the page belongs to that person. `profiles[k]` are person `k + 1`'s listed profiles.
pub fn page_owner(url: &str, session_subject: usize, profiles: &[Vec<String>]) -> usize {
    let within = |k: usize| profiles.get(k - 1).is_some_and(|p| url_in_profiles(url, p).ok().flatten().is_some());
    if within(session_subject) {
        return session_subject;
    }
    (1..=profiles.len()).find(|k| within(*k)).unwrap_or(session_subject)
}

fn parse_error(error: url::ParseError) -> ScopeError {
    match error {
        url::ParseError::EmptyHost => ScopeError::NoHost,
        _ => ScopeError::NotAWebAddress,
    }
}

fn canonical_host(parsed: &Url) -> Result<String, ScopeError> {
    let raw = parsed.host_str().ok_or(ScopeError::NoHost)?;
    let mut host = raw.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return Err(ScopeError::NoHost);
    }
    // Strip one prefix at a time, but never down to a bare top-level domain (`web.de` stays).
    while let Some(rest) = HOST_PREFIXES_TO_STRIP.iter().find_map(|prefix| host.strip_prefix(prefix)) {
        if !rest.contains('.') {
            break;
        }
        host = rest.to_string();
    }
    if let Some((_, canonical)) = HOST_ALIASES.iter().find(|(alias, _)| *alias == host) {
        host = (*canonical).to_string();
    }
    // `port()` is `None` for the scheme's default port, so only an unusual port is kept.
    if let Some(port) = parsed.port() {
        host = format!("{host}:{port}");
    }
    Ok(host)
}

/// The path lower-cased, with empty segments (repeated or trailing slashes) removed.
fn canonical_path(path: &str) -> String {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| format!("/{}", segment.to_lowercase()))
        .collect()
}

/// The first `id` parameter, if it is a number as Facebook's profile ids are.
fn facebook_profile_id(parsed: &Url) -> Option<String> {
    let (_, id) = parsed.query_pairs().find(|(name, _)| name == "id")?;
    let id = id.trim();
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_digit())).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_belongs_to_the_person_whose_listed_profile_it_is_whoever_the_session_was_on() {
        let profiles = vec![
            vec!["https://www.facebook.com/zoe.example".to_string()],
            vec!["https://www.facebook.com/ciaran.example".to_string(), "https://x.com/ciaran".to_string()],
        ];
        // Ciarán's page captured in a session started on Zoë is Ciarán's.
        assert_eq!(page_owner("https://facebook.com/ciaran.example/photos", 1, &profiles), 2);
        assert_eq!(page_owner("https://x.com/ciaran/status/1", 1, &profiles), 2);
        assert_eq!(page_owner("https://www.facebook.com/zoe.example", 1, &profiles), 1);
        assert_eq!(page_owner("https://www.facebook.com/zoe.example", 2, &profiles), 1);
        // Within no listed profile: the person the worker said it belongs to, the session's.
        assert_eq!(page_owner("https://www.facebook.com/someone.else", 2, &profiles), 2);
        assert_eq!(page_owner("not an address", 1, &profiles), 1);
    }

    #[test]
    fn addresses_normalise_to_one_canonical_form() {
        let cases: &[(&str, &str)] = &[
            // Facebook
            ("https://www.facebook.com/jane.doe", "facebook.com/jane.doe"),
            ("https://www.facebook.com/Jane.Doe/", "facebook.com/jane.doe"),
            ("http://facebook.com/jane.doe//", "facebook.com/jane.doe"),
            ("https://m.facebook.com/jane.doe?ref=bookmarks", "facebook.com/jane.doe"),
            ("https://mobile.facebook.com/jane.doe#tab", "facebook.com/jane.doe"),
            ("https://web.facebook.com/jane.doe/photos/?ref=page_internal#x", "facebook.com/jane.doe/photos"),
            ("https://fb.com/jane.doe", "facebook.com/jane.doe"),
            ("https://WWW.FACEBOOK.COM./jane.doe", "facebook.com/jane.doe"),
            ("https://www.facebook.com:443/jane.doe", "facebook.com/jane.doe"),
            ("https://www.facebook.com/jane.doe/../john.smith", "facebook.com/john.smith"),
            ("https://www.facebook.com/profile.php?id=100012345678901", "facebook.com/profile.php?id=100012345678901"),
            (
                "https://m.facebook.com/profile.php?sk=photos&id=100012345678901&mibextid=ZbWKwL#top",
                "facebook.com/profile.php?id=100012345678901",
            ),
            ("https://www.facebook.com/profile.php", "facebook.com/profile.php"),
            ("https://www.facebook.com/profile.php?id=abc", "facebook.com/profile.php"),
            ("https://www.facebook.com/", "facebook.com"),
            // Instagram
            ("https://www.instagram.com/jane.doe/", "instagram.com/jane.doe"),
            ("https://instagram.com/Jane.Doe?igsh=MWQ1ZGUxMzBkMA==", "instagram.com/jane.doe"),
            ("https://www.instagram.com/p/C0dEfGhIjKl/", "instagram.com/p/c0defghijkl"),
            // X, formerly Twitter
            ("https://twitter.com/JaneDoe/status/1234567890123456789", "x.com/janedoe/status/1234567890123456789"),
            ("https://mobile.twitter.com/JaneDoe", "x.com/janedoe"),
            ("https://x.com/janedoe?s=21&t=abc", "x.com/janedoe"),
            // TikTok
            (
                "https://www.tiktok.com/@jane.doe/video/7301234567890123456?lang=en",
                "tiktok.com/@jane.doe/video/7301234567890123456",
            ),
            ("https://m.tiktok.com/@Jane.Doe", "tiktok.com/@jane.doe"),
            // Typed without a scheme
            ("facebook.com/jane.doe", "facebook.com/jane.doe"),
            ("  www.instagram.com/jane.doe  ", "instagram.com/jane.doe"),
            ("//x.com/janedoe", "x.com/janedoe"),
            ("facebook.com:8443/jane.doe", "facebook.com:8443/jane.doe"),
            // Prefixes are not stripped down to a bare top-level domain
            ("https://web.de/jane", "web.de/jane"),
            ("https://www.m.facebook.com/jane.doe", "facebook.com/jane.doe"),
            // An unusual port is kept, so it matches nothing
            ("https://www.facebook.com:8443/jane.doe", "facebook.com:8443/jane.doe"),
        ];
        for (input, expected) in cases {
            let normalised = normalise_profile_url(input).unwrap_or_else(|error| panic!("{input}: {error}"));
            assert_eq!(normalised.to_string(), *expected, "{input}");
        }
    }

    #[test]
    fn host_and_path_are_public_and_separate() {
        let normalised = normalise_profile_url("https://m.facebook.com/profile.php?id=42&sk=about").unwrap();
        assert_eq!(normalised, NormalisedUrl { host: "facebook.com".into(), path: "/profile.php?id=42".into() });
        let normalised = normalise_profile_url("https://www.instagram.com/").unwrap();
        assert_eq!(normalised, NormalisedUrl { host: "instagram.com".into(), path: String::new() });
    }

    #[test]
    fn what_is_not_a_web_page_address_is_an_error_with_a_clear_message() {
        let cases: &[(&str, ScopeError)] = &[
            ("", ScopeError::Empty),
            ("   ", ScopeError::Empty),
            ("not a url", ScopeError::NotAWebAddress),
            ("https://face book.com/jane", ScopeError::NotAWebAddress),
            ("http://[::1", ScopeError::NotAWebAddress),
            ("ftp://facebook.com/jane.doe", ScopeError::NotHttp { scheme: "ftp".into() }),
            ("mailto:jane.doe@example.com", ScopeError::NotHttp { scheme: "mailto".into() }),
            ("javascript:alert(1)", ScopeError::NotHttp { scheme: "javascript".into() }),
            ("file:///home/jane/profile.html", ScopeError::NotHttp { scheme: "file".into() }),
            ("https://", ScopeError::NoHost),
            ("http:///", ScopeError::NoHost),
        ];
        for (input, expected) in cases {
            assert_eq!(normalise_profile_url(input).as_ref(), Err(expected), "{input:?}");
        }
        assert_eq!(
            ScopeError::NotHttp { scheme: "ftp".into() }.to_string(),
            "only web pages (http or https) can be checked, not ftp addresses"
        );
        for error in [ScopeError::Empty, ScopeError::NotAWebAddress, ScopeError::NoHost] {
            assert!(!error.to_string().ends_with('.'), "{error}");
        }
    }

    fn profiles(urls: &[&str]) -> Vec<String> {
        urls.iter().map(|url| url.to_string()).collect()
    }

    #[test]
    fn pages_within_a_listed_profile_are_found_and_others_are_not() {
        // (page, listed profile, whether the page is within it)
        let cases: &[(&str, &str, bool)] = &[
            // Facebook vanity names
            ("https://www.facebook.com/jane.doe", "https://www.facebook.com/jane.doe", true),
            ("https://m.facebook.com/jane.doe", "https://www.facebook.com/jane.doe", true),
            ("https://www.facebook.com/jane.doe/photos", "facebook.com/jane.doe", true),
            ("https://www.facebook.com/jane.doe/photos_by?ref=page_internal", "facebook.com/jane.doe", true),
            ("https://www.facebook.com/jane.doe?ref=bookmarks", "https://facebook.com/jane.doe/", true),
            ("https://www.facebook.com/jane.doe#tab", "https://www.facebook.com/jane.doe", true),
            ("https://www.facebook.com/Jane.Doe/", "https://www.facebook.com/jane.doe", true),
            ("https://fb.com/jane.doe/about", "https://www.facebook.com/jane.doe", true),
            ("https://www.facebook.com/jane.doe2", "https://www.facebook.com/jane.doe", false),
            ("https://www.facebook.com/jane.doe.backup", "https://www.facebook.com/jane.doe", false),
            ("https://www.facebook.com/jane", "https://www.facebook.com/jane.doe", false),
            ("https://www.facebook.com/john.smith", "https://www.facebook.com/jane.doe", false),
            ("https://www.facebook.com/", "https://www.facebook.com/jane.doe", false),
            ("https://www.facebook.com/jane.doe/../john.smith", "https://www.facebook.com/jane.doe", false),
            ("https://www.facebook.com:8443/jane.doe", "https://www.facebook.com/jane.doe", false),
            ("https://l.facebook.com/jane.doe", "https://www.facebook.com/jane.doe", false),
            ("https://www.instagram.com/jane.doe", "https://www.facebook.com/jane.doe", false),
            // Facebook profile.php?id=
            (
                "https://www.facebook.com/profile.php?id=100012345678901",
                "https://www.facebook.com/profile.php?id=100012345678901",
                true,
            ),
            (
                "https://m.facebook.com/profile.php?id=100012345678901&sk=photos",
                "https://www.facebook.com/profile.php?id=100012345678901",
                true,
            ),
            (
                "https://www.facebook.com/profile.php?sk=about&id=100012345678901#tab",
                "facebook.com/profile.php?id=100012345678901",
                true,
            ),
            (
                "https://www.facebook.com/profile.php?id=1000123456789012",
                "https://www.facebook.com/profile.php?id=100012345678901",
                false,
            ),
            (
                "https://www.facebook.com/profile.php?id=10001234567890",
                "https://www.facebook.com/profile.php?id=100012345678901",
                false,
            ),
            ("https://www.facebook.com/profile.php", "https://www.facebook.com/profile.php?id=100012345678901", false),
            ("https://www.facebook.com/jane.doe", "https://www.facebook.com/profile.php?id=100012345678901", false),
            // A profile.php without an id names nobody, so nothing is within it
            ("https://www.facebook.com/profile.php?id=100012345678901", "https://www.facebook.com/profile.php", false),
            ("https://www.facebook.com/profile.php", "https://www.facebook.com/profile.php", false),
            // A whole site names nobody, so nothing is within it
            ("https://www.facebook.com/jane.doe", "https://www.facebook.com/", false),
            ("https://www.facebook.com/jane.doe", "facebook.com", false),
            // Instagram
            ("https://www.instagram.com/jane.doe/", "https://www.instagram.com/jane.doe/", true),
            ("https://instagram.com/jane.doe/tagged/", "https://www.instagram.com/jane.doe/", true),
            ("https://www.instagram.com/jane.doe/reels/?hl=en", "instagram.com/jane.doe", true),
            ("https://www.instagram.com/p/C0dEfGhIjKl/", "https://www.instagram.com/jane.doe/", false),
            ("https://www.instagram.com/reel/C0dEfGhIjKl/", "https://www.instagram.com/jane.doe/", false),
            ("https://www.instagram.com/jane.doe.backup/", "https://www.instagram.com/jane.doe/", false),
            ("https://www.instagram.com/jane.doe_/", "https://www.instagram.com/jane.doe/", false),
            // X, formerly Twitter
            ("https://twitter.com/JaneDoe/status/1234567890123456789", "https://x.com/janedoe", true),
            ("https://x.com/janedoe/status/1234567890123456789/photo/1", "https://twitter.com/JaneDoe", true),
            ("https://mobile.twitter.com/janedoe/with_replies", "https://x.com/janedoe", true),
            ("https://twitter.com/JaneDoe2/status/1234567890123456789", "https://x.com/janedoe", false),
            ("https://x.com/i/status/1234567890123456789", "https://x.com/janedoe", false),
            // TikTok
            ("https://www.tiktok.com/@jane.doe/video/7301234567890123456", "tiktok.com/@jane.doe", true),
            ("https://www.tiktok.com/@Jane.Doe?lang=en", "https://www.tiktok.com/@jane.doe", true),
            ("https://www.tiktok.com/@jane.doe2/video/7301234567890123456", "tiktok.com/@jane.doe", false),
            ("https://www.tiktok.com/@jane.doe2", "tiktok.com/@jane.doe", false),
            ("https://www.tiktok.com/jane.doe", "tiktok.com/@jane.doe", false),
        ];
        for (page, profile, within) in cases {
            let listed = profiles(&[profile]);
            let found = url_in_profiles(page, &listed).unwrap_or_else(|error| panic!("{page}: {error}"));
            assert_eq!(found.is_some(), *within, "{page} within {profile}");
            if let Some(found) = found {
                assert_eq!(found, &listed[0]);
            }
        }
    }

    #[test]
    fn the_first_matching_profile_is_returned_as_listed_and_unreadable_profiles_are_skipped() {
        let listed = profiles(&[
            "not a url",
            "ftp://facebook.com/jane.doe",
            "",
            "https://www.instagram.com/jane.doe/",
            "https://www.facebook.com/Jane.Doe/",
            "https://m.facebook.com/jane.doe",
        ]);
        let found = url_in_profiles("https://www.facebook.com/jane.doe/photos", &listed).unwrap();
        assert_eq!(found, Some(&listed[4]));
        let found = url_in_profiles("https://www.instagram.com/jane.doe/tagged", &listed).unwrap();
        assert_eq!(found, Some(&listed[3]));
        assert_eq!(url_in_profiles("https://www.facebook.com/john.smith", &listed).unwrap(), None);
        assert_eq!(url_in_profiles("https://www.facebook.com/jane.doe", &[]).unwrap(), None);
    }

    #[test]
    fn an_unreadable_page_address_is_an_error_even_with_no_profiles_listed() {
        let listed = profiles(&["https://www.facebook.com/jane.doe"]);
        assert_eq!(url_in_profiles("not a url", &listed), Err(ScopeError::NotAWebAddress));
        assert_eq!(
            url_in_profiles("ftp://facebook.com/jane.doe", &listed),
            Err(ScopeError::NotHttp { scheme: "ftp".into() })
        );
        assert_eq!(url_in_profiles("", &[]), Err(ScopeError::Empty));
    }
}
