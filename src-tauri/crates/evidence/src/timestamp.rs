//! RFC 3161 trusted timestamps: the request sent to a time-stamping authority (TSA) for a
//! SHA-256 digest, and the full check of its answer against the CA the policy names.
//!
//! The check is the one `openssl ts -verify` makes, and a little more:
//! - the answer's status is granted, and its token is CMS signed data over a `TSTInfo`;
//! - the `TSTInfo`'s message imprint is SHA-256 of exactly the bytes stamped (and its nonce
//!   the one sent, when one was);
//! - the signed attributes hold the `TSTInfo`'s content type and digest, and an ESS signing
//!   certificate (v1 or v2) naming the certificate that signed;
//! - the signature over the signed attributes verifies with that certificate's key (RSA
//!   PKCS #1 v1.5, or ECDSA on P-256 or P-384; SHA-256, -384 or -512);
//! - that certificate's extended key usage is critical and time stamping alone;
//! - it chains, through certificates in the token, to a trusted CA certificate, every link's
//!   signature checked, every issuer a CA, and every certificate valid at the stamped time
//!   (not today: a TSA's certificate may expire long before a court sees the bundle).
//!
//! No IO: the bytes come in, the verdict goes out.

use chrono::{DateTime, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::asn1::{Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use serde::Serialize;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const CURVE_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const CURVE_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const EXT_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const EXT_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const EXT_SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// The largest answer read from a TSA or a bundle.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;
/// The media type of a request and of an answer, over HTTP (RFC 3161, section 3.4).
pub const QUERY_MEDIA_TYPE: &str = "application/timestamp-query";
pub const REPLY_MEDIA_TYPE: &str = "application/timestamp-reply";
/// The longest chain followed from the TSA's certificate to a trusted CA.
const MAX_CHAIN: usize = 5;

/// What a verified timestamp says, for the report and the audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimestampInfo {
    /// When the TSA says it saw the digest.
    pub time: DateTime<Utc>,
    /// The TSA's serial number of the token (hex).
    pub serial: String,
    /// The TSA's policy (an object identifier).
    pub policy: String,
    /// The subject of the TSA's certificate.
    pub tsa: String,
    /// The subject of the trusted CA it chains to, and the SHA-256 of that certificate (hex).
    pub ca: String,
    pub ca_sha256: String,
}

/// A `TimeStampReq` for a SHA-256 digest: version 1, the nonce given, and the TSA's
/// certificate asked for (so the token can be checked without fetching anything).
pub fn request(digest: &[u8; 32], nonce: u64) -> Vec<u8> {
    let request = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned { oid: ID_SHA256, parameters: None },
            hashed_message: OctetString::new(digest.to_vec()).expect("32 bytes"),
        },
        req_policy: None,
        nonce: Some(nonce_int(nonce)),
        cert_req: true,
        extensions: None,
    };
    request.to_der().expect("a timestamp request encodes")
}

/// A nonce as a DER INTEGER: no leading zero bytes, and a zero byte first where the high
/// bit would make it negative.
fn nonce_int(nonce: u64) -> Int {
    let bytes = nonce.to_be_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(7);
    let mut minimal = bytes[first..].to_vec();
    if minimal[0] & 0x80 != 0 {
        minimal.insert(0, 0);
    }
    Int::new(&minimal).expect("a minimal integer")
}

/// Reads the certificates of a PEM file (one or more `CERTIFICATE` blocks) as DER.
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let certificates =
        Certificate::load_pem_chain(pem).map_err(|e| format!("the CA certificate file cannot be read as PEM: {e}"))?;
    if certificates.is_empty() {
        return Err("the CA certificate file holds no certificate".into());
    }
    certificates.iter().map(|c| c.to_der().map_err(|e| e.to_string())).collect()
}

/// The subject of the first certificate of a PEM file, to name a CA in the policy's check.
pub fn certificate_subject(der: &[u8]) -> Option<String> {
    Certificate::from_der(der).ok().map(|c| c.tbs_certificate.subject.to_string())
}

/// Checks a TSA's answer (`TimeStampResp`, DER) over `digest` (SHA-256 of the bytes
/// stamped) against the trusted CA certificates (DER). `nonce` is the one sent, when the
/// answer is fresh; a stored answer is checked without one.
pub fn verify_response(
    response: &[u8],
    digest: &[u8; 32],
    trusted: &[Vec<u8>],
    nonce: Option<u64>,
) -> Result<TimestampInfo, String> {
    if response.len() > MAX_RESPONSE_BYTES {
        return Err(format!("the timestamp is larger than {MAX_RESPONSE_BYTES} bytes"));
    }
    let answer = TimeStampResp::from_der(response).map_err(|e| format!("the timestamp cannot be read: {e}"))?;
    let status = answer.status.status as u8;
    if status > 1 {
        let text = answer
            .status
            .status_string
            .as_ref()
            .map(|texts| texts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        return Err(format!("the time-stamping authority refused the request (status {status}) {text}").trim().into());
    }
    let token = answer.time_stamp_token.ok_or("the time-stamping authority's answer holds no timestamp")?;
    let token = token.to_der().map_err(|e| e.to_string())?;
    verify_token(&token, digest, trusted, nonce)
}

/// Checks a timestamp token (CMS `ContentInfo`, DER); see [`verify_response`].
pub fn verify_token(
    token: &[u8],
    digest: &[u8; 32],
    trusted: &[Vec<u8>],
    nonce: Option<u64>,
) -> Result<TimestampInfo, String> {
    // A certificate the token carries twice is harmless (OpenSSL's TSA does it when its chain
    // file holds its own certificate) and `openssl ts -verify` accepts it; the DER reader
    // refuses a SET OF with a repeated element, so it is read without the repeats. The
    // signature is over the signed attributes, which this leaves as they are.
    let deduplicated = without_repeated_certificates(token);
    let token = deduplicated.as_deref().unwrap_or(token);
    let content = ContentInfo::from_der(token).map_err(|e| format!("the timestamp token cannot be read: {e}"))?;
    if content.content_type != ID_SIGNED_DATA {
        return Err("the timestamp token is not signed data".into());
    }
    let signed: SignedData =
        content.content.decode_as().map_err(|e| format!("the timestamp's signed data cannot be read: {e}"))?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err("the timestamp token does not hold a TSTInfo".into());
    }
    let econtent = signed.encap_content_info.econtent.as_ref().ok_or("the timestamp token holds no TSTInfo")?;
    let tst_bytes = OctetString::from_der(&econtent.to_der().map_err(|e| e.to_string())?)
        .map_err(|e| format!("the timestamp's TSTInfo is not an octet string: {e}"))?;
    let tst_bytes = tst_bytes.as_bytes();
    let tst = TstInfo::from_der(tst_bytes).map_err(|e| format!("the timestamp's TSTInfo cannot be read: {e}"))?;

    // What was stamped.
    if tst.message_imprint.hash_algorithm.oid != ID_SHA256 {
        return Err("the timestamp is not over a SHA-256 digest".into());
    }
    if tst.message_imprint.hashed_message.as_bytes() != digest {
        return Err("the timestamp is over another digest: the manifest was changed or the timestamp replaced".into());
    }
    if let Some(sent) = nonce {
        match &tst.nonce {
            Some(got) if got == &nonce_int(sent) => {}
            _ => return Err("the timestamp's nonce is not the one sent: the answer is not to this request".into()),
        }
    }
    let time = DateTime::<Utc>::from(tst.gen_time.to_system_time());

    // Who signed it, and over what.
    let signer_info = match signed.signer_infos.0.as_slice() {
        [one] => one,
        _ => return Err("the timestamp token must have exactly one signer".into()),
    };
    let certificates: Vec<&Certificate> = signed
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let signer = certificates
        .iter()
        .copied()
        .find(|c| identifies(&signer_info.sid, c))
        .ok_or("the timestamp token does not hold the certificate of the TSA that signed it")?;
    let signer_der = signer.to_der().map_err(|e| e.to_string())?;
    let attributes = signer_info.signed_attrs.as_ref().ok_or("the timestamp's signer has no signed attributes")?;
    let hash = Hash::of_digest(&signer_info.digest_alg.oid)?;
    let mut content_type_ok = false;
    let mut digest_ok = false;
    let mut certificate_ok = false;
    for attribute in attributes.iter() {
        let value = match attribute.values.as_slice() {
            [one] => one,
            _ => return Err("a signed attribute of the timestamp has more than one value".into()),
        };
        let value = value.to_der().map_err(|e| e.to_string())?;
        if attribute.oid == ID_CONTENT_TYPE {
            content_type_ok = ObjectIdentifier::from_der(&value).ok() == Some(ID_CT_TST_INFO);
        } else if attribute.oid == ID_MESSAGE_DIGEST {
            digest_ok = OctetString::from_der(&value).ok().map(|d| d.as_bytes().to_vec()) == Some(hash.of(tst_bytes));
        } else if attribute.oid == ID_SIGNING_CERTIFICATE || attribute.oid == ID_SIGNING_CERTIFICATE_V2 {
            certificate_ok = ess_names(&value, attribute.oid == ID_SIGNING_CERTIFICATE_V2, &signer_der)?;
        }
    }
    if !content_type_ok {
        return Err("the timestamp's signed content type is not TSTInfo".into());
    }
    if !digest_ok {
        return Err("the timestamp's TSTInfo does not match the digest its signer signed: it was changed".into());
    }
    if !certificate_ok {
        return Err("the timestamp's signed attributes do not name the certificate that signed it".into());
    }
    let signed_attributes = raw_signed_attributes(token)?;
    verify_signature(
        &signer.tbs_certificate.subject_public_key_info,
        hash,
        &signed_attributes,
        signer_info.signature.as_bytes(),
    )
    .map_err(|why| format!("the timestamp's signature does not verify: {why}"))?;

    // The TSA's certificate: for time stamping alone, and chained to a trusted CA.
    time_stamping_only(signer)?;
    let (ca, ca_der) = chain_to_trusted(signer, &certificates, trusted, time)?;
    Ok(TimestampInfo {
        time,
        serial: hex::encode(tst.serial_number.as_bytes()),
        policy: tst.policy.to_string(),
        tsa: signer.tbs_certificate.subject.to_string(),
        ca: ca.tbs_certificate.subject.to_string(),
        ca_sha256: hex::encode(Sha256::digest(ca_der)),
    })
}

fn identifies(sid: &SignerIdentifier, certificate: &Certificate) -> bool {
    let tbs = &certificate.tbs_certificate;
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == tbs.issuer && ias.serial_number == tbs.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => tbs.extensions.iter().flatten().any(|e| {
            e.extn_id == EXT_SUBJECT_KEY_IDENTIFIER
                && OctetString::from_der(e.extn_value.as_bytes()).ok().as_ref() == Some(&ski.0)
        }),
    }
}

/// Whether an ESS signing-certificate attribute's first certificate hash is the signer's.
fn ess_names(value: &[u8], v2: bool, signer_der: &[u8]) -> Result<bool, String> {
    let bad = || "the timestamp's signing-certificate attribute cannot be read".to_string();
    // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL }
    let outer = Tlv::read(value).ok_or_else(bad)?.0;
    let certs = Tlv::read(outer.value).ok_or_else(bad)?.0;
    let first = Tlv::read(certs.value).ok_or_else(bad)?.0;
    // ESSCertID ::= { certHash, … }; ESSCertIDv2 ::= { hashAlgorithm DEFAULT sha256, certHash, … }
    let (mut field, rest) = Tlv::read(first.value).ok_or_else(bad)?;
    let mut hash = if v2 { Hash::Sha256 } else { Hash::Sha1 };
    if v2 && field.tag == 0x30 {
        let oid = ObjectIdentifier::from_der(Tlv::read(field.value).ok_or_else(bad)?.0.raw).map_err(|_| bad())?;
        hash = Hash::of_digest(&oid)?;
        field = Tlv::read(rest).ok_or_else(bad)?.0;
    }
    if field.tag != 0x04 {
        return Err(bad());
    }
    Ok(field.value == hash.of(signer_der).as_slice())
}

/// DER's length octets for `length`.
fn der_length(length: usize) -> Vec<u8> {
    if length < 0x80 {
        return vec![length as u8];
    }
    let bytes: Vec<u8> = length.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// One DER element from its tag and its contents.
fn der_element(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let length = parts.iter().map(|p| p.len()).sum();
    let mut out = vec![tag];
    out.extend(der_length(length));
    for part in parts {
        out.extend_from_slice(part);
    }
    out
}

/// The token with each certificate (and revocation list) it holds more than once kept once,
/// or `None` when it holds none twice (or cannot be read: the full reader then says why).
/// Only the `certificates [0]` and `crls [1]` sets of the signed data change.
fn without_repeated_certificates(token: &[u8]) -> Option<Vec<u8>> {
    let content_info = Tlv::read(token)?.0;
    let (oid, rest) = Tlv::read(content_info.value)?;
    let explicit = Tlv::read(rest)?.0;
    let signed_data = Tlv::read(explicit.value)?.0;
    let mut fields: Vec<Vec<u8>> = Vec::new();
    let mut repeated = false;
    let mut rest = signed_data.value;
    while !rest.is_empty() {
        let (field, next) = Tlv::read(rest)?;
        if field.tag == 0xa0 || field.tag == 0xa1 {
            let mut kept: Vec<&[u8]> = Vec::new();
            let mut inner = field.value;
            while !inner.is_empty() {
                let (element, after) = Tlv::read(inner)?;
                if kept.contains(&element.raw) {
                    repeated = true;
                } else {
                    kept.push(element.raw);
                }
                inner = after;
            }
            fields.push(der_element(field.tag, &kept));
        } else {
            fields.push(field.raw.to_vec());
        }
        rest = next;
    }
    if !repeated {
        return None;
    }
    let fields: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
    let signed_data = der_element(signed_data.tag, &fields);
    let explicit = der_element(explicit.tag, &[&signed_data]);
    Some(der_element(content_info.tag, &[oid.raw, &explicit]))
}

/// The signer's signed attributes exactly as they were signed: their bytes in the token,
/// with the `[0]` tag turned into the SET tag (RFC 5652, section 5.4). Taken from the token
/// itself, never re-encoded, so an attribute order another encoder chose still verifies.
fn raw_signed_attributes(token: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "the timestamp's signer cannot be read".to_string();
    let content_info = Tlv::read(token).ok_or_else(bad)?.0; // ContentInfo
    let (_oid, rest) = Tlv::read(content_info.value).ok_or_else(bad)?;
    let explicit = Tlv::read(rest).ok_or_else(bad)?.0; // [0] EXPLICIT
    let signed_data = Tlv::read(explicit.value).ok_or_else(bad)?.0;
    let mut rest = signed_data.value;
    let mut signer_infos = None;
    while !rest.is_empty() {
        let (field, next) = Tlv::read(rest).ok_or_else(bad)?;
        if field.tag == 0x31 {
            signer_infos = Some(field); // digestAlgorithms comes first; signerInfos last
        }
        rest = next;
    }
    let signer_infos = signer_infos.ok_or_else(bad)?;
    let signer_info = Tlv::read(signer_infos.value).ok_or_else(bad)?.0;
    let mut rest = signer_info.value;
    for _ in 0..3 {
        rest = Tlv::read(rest).ok_or_else(bad)?.1; // version, sid, digestAlgorithm
    }
    let attributes = Tlv::read(rest).ok_or_else(bad)?.0;
    if attributes.tag != 0xa0 {
        return Err(bad());
    }
    let mut bytes = attributes.raw.to_vec();
    bytes[0] = 0x31;
    Ok(bytes)
}

/// A TSA certificate must have a critical extended key usage of time stamping alone
/// (RFC 3161, section 2.3).
fn time_stamping_only(certificate: &Certificate) -> Result<(), String> {
    let extension = certificate
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == EXT_EXTENDED_KEY_USAGE)
        .ok_or("the TSA's certificate has no extended key usage: it is not a time-stamping certificate")?;
    let usages = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(extension.extn_value.as_bytes())
        .map_err(|e| format!("the TSA's certificate's extended key usage cannot be read: {e}"))?;
    if !extension.critical || usages.0 != [KP_TIME_STAMPING] {
        return Err(
            "the TSA's certificate is not for time stamping alone (a critical extended key usage of timeStamping)"
                .into(),
        );
    }
    Ok(())
}

fn valid_at(certificate: &Certificate, time: DateTime<Utc>) -> bool {
    let validity = &certificate.tbs_certificate.validity;
    let at = std::time::SystemTime::from(time);
    validity.not_before.to_system_time() <= at && at <= validity.not_after.to_system_time()
}

fn is_ca(certificate: &Certificate) -> bool {
    certificate.tbs_certificate.extensions.iter().flatten().any(|e| {
        e.extn_id == EXT_BASIC_CONSTRAINTS
            && x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).is_ok_and(|b| b.ca)
    })
}

/// Follows issuers from the TSA's certificate, through the token's certificates, to one of
/// the trusted; every signature checked and every certificate valid at the stamped time.
fn chain_to_trusted<'a>(
    signer: &'a Certificate,
    pool: &[&'a Certificate],
    trusted: &[Vec<u8>],
    time: DateTime<Utc>,
) -> Result<(Certificate, Vec<u8>), String> {
    let anchors: Vec<(Certificate, &Vec<u8>)> =
        trusted.iter().filter_map(|der| Certificate::from_der(der).ok().map(|c| (c, der))).collect();
    if anchors.is_empty() {
        return Err("no trusted CA certificate was given to check the timestamp against".into());
    }
    if !valid_at(signer, time) {
        return Err("the TSA's certificate was not valid at the time it stamped".into());
    }
    let mut current = signer;
    for _ in 0..MAX_CHAIN {
        let issuer_name = &current.tbs_certificate.issuer;
        let tbs = current.tbs_certificate.to_der().map_err(|e| e.to_string())?;
        let signature = current.signature.as_bytes().ok_or("a certificate's signature cannot be read")?;
        let hash = Hash::of_signature(&current.signature_algorithm.oid)?;
        for (anchor, der) in &anchors {
            if &anchor.tbs_certificate.subject == issuer_name
                && verify_signature(&anchor.tbs_certificate.subject_public_key_info, hash, &tbs, signature).is_ok()
            {
                if !valid_at(anchor, time) {
                    return Err("the trusted CA's certificate was not valid at the time stamped".into());
                }
                // A CA, unless the TSA's own certificate is the one trusted.
                let itself = anchor.to_der().ok() == current.to_der().ok();
                if !is_ca(anchor) && !itself {
                    return Err("the trusted certificate is not a CA's".into());
                }
                return Ok((anchor.clone(), (*der).clone()));
            }
        }
        let next = pool.iter().copied().find(|c| {
            !std::ptr::eq(*c, current)
                && &c.tbs_certificate.subject == issuer_name
                && is_ca(c)
                && valid_at(c, time)
                && verify_signature(&c.tbs_certificate.subject_public_key_info, hash, &tbs, signature).is_ok()
        });
        match next {
            Some(issuer) => current = issuer,
            None => break,
        }
    }
    Err("the TSA's certificate does not chain to the trusted CA certificate".into())
}

#[derive(Debug, Clone, Copy)]
enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn of_digest(oid: &ObjectIdentifier) -> Result<Hash, String> {
        match *oid {
            ID_SHA256 => Ok(Hash::Sha256),
            ID_SHA384 => Ok(Hash::Sha384),
            ID_SHA512 => Ok(Hash::Sha512),
            ID_SHA1 => Ok(Hash::Sha1),
            other => Err(format!("the digest algorithm {other} is not supported")),
        }
    }

    fn of_signature(oid: &ObjectIdentifier) -> Result<Hash, String> {
        match *oid {
            SHA256_WITH_RSA | ECDSA_WITH_SHA256 => Ok(Hash::Sha256),
            SHA384_WITH_RSA | ECDSA_WITH_SHA384 => Ok(Hash::Sha384),
            SHA512_WITH_RSA | ECDSA_WITH_SHA512 => Ok(Hash::Sha512),
            other => Err(format!("the signature algorithm {other} is not supported")),
        }
    }

    fn of(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(bytes).to_vec(),
            Hash::Sha256 => Sha256::digest(bytes).to_vec(),
            Hash::Sha384 => Sha384::digest(bytes).to_vec(),
            Hash::Sha512 => Sha512::digest(bytes).to_vec(),
        }
    }
}

/// Verifies `signature` over `message` (hashed with `hash`) with a certificate's key: RSA
/// PKCS #1 v1.5, or ECDSA on P-256 or P-384 (a DER signature).
fn verify_signature(
    key: &SubjectPublicKeyInfoOwned,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let hashed = hash.of(message);
    let key_bytes = key.subject_public_key.as_bytes().ok_or("the public key cannot be read")?;
    if key.algorithm.oid == RSA_ENCRYPTION {
        use rsa::pkcs1::DecodeRsaPublicKey;
        let public =
            rsa::RsaPublicKey::from_pkcs1_der(key_bytes).map_err(|e| format!("an RSA key cannot be read: {e}"))?;
        let scheme = match hash {
            Hash::Sha1 => return Err("SHA-1 signatures are not accepted".into()),
            Hash::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            Hash::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
            Hash::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
        };
        return public.verify(scheme, &hashed, signature).map_err(|_| "the RSA signature is wrong".to_string());
    }
    if key.algorithm.oid == EC_PUBLIC_KEY {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let curve = key
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
            .ok_or("an EC key names no curve")?;
        let wrong = |_| "the ECDSA signature is wrong".to_string();
        return match curve {
            CURVE_P256 => {
                let public =
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes).map_err(|_| "a P-256 key cannot be read")?;
                let signature = p256::ecdsa::Signature::from_der(signature).map_err(wrong)?;
                public.verify_prehash(&hashed, &signature).map_err(wrong)
            }
            CURVE_P384 => {
                let public =
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes).map_err(|_| "a P-384 key cannot be read")?;
                let signature = p384::ecdsa::Signature::from_der(signature).map_err(wrong)?;
                public.verify_prehash(&hashed, &signature).map_err(wrong)
            }
            other => Err(format!("the curve {other} is not supported")),
        };
    }
    Err(format!("the key algorithm {} is not supported", key.algorithm.oid))
}

/// One DER element: its tag (single-byte tags only), its whole bytes and its value.
struct Tlv<'a> {
    tag: u8,
    raw: &'a [u8],
    value: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Reads one element from the start of `input`; returns it and what follows.
    fn read(input: &'a [u8]) -> Option<(Tlv<'a>, &'a [u8])> {
        let tag = *input.first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let first = *input.get(1)? as usize;
        let (length, header) = if first < 0x80 {
            (first, 2)
        } else {
            let n = first & 0x7f;
            if n == 0 || n > 4 {
                return None;
            }
            let mut length = 0usize;
            for i in 0..n {
                length = (length << 8) | *input.get(2 + i)? as usize;
            }
            (length, 2 + n)
        };
        let end = header.checked_add(length)?;
        if end > input.len() {
            return None;
        }
        Some((Tlv { tag, raw: &input[..end], value: &input[header..end] }, &input[end..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_carries_the_digest_the_nonce_and_asks_for_the_certificate() {
        let digest = [0xab; 32];
        let der = request(&digest, 0x0102_0304_0506_0708);
        let parsed = TimeStampReq::from_der(&der).unwrap();
        assert_eq!(parsed.message_imprint.hashed_message.as_bytes(), &digest);
        assert_eq!(parsed.message_imprint.hash_algorithm.oid, ID_SHA256);
        assert!(parsed.cert_req);
        assert_eq!(parsed.nonce, Some(nonce_int(0x0102_0304_0506_0708)));
        // Minimal DER integers, which a TSA insists on.
        assert_eq!(nonce_int(42).as_bytes(), [42]);
        assert_eq!(nonce_int(0x80).as_bytes(), [0, 0x80]);
        assert_eq!(nonce_int(0).as_bytes(), [0]);
    }

    #[test]
    fn garbage_and_truncated_answers_are_refused_with_a_reason() {
        let digest = [0; 32];
        for bytes in [&b""[..], b"\x30\x03\x02\x01", b"not der at all", &[0x30; 5000]] {
            let error = verify_response(bytes, &digest, &[], None).unwrap_err();
            assert!(error.contains("cannot be read"), "{error}");
        }
    }

    #[test]
    fn the_tlv_reader_stays_inside_its_input() {
        assert!(Tlv::read(&[0x30, 0x82, 0xff, 0xff, 0x00]).is_none(), "a length past the end");
        assert!(Tlv::read(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none(), "a length of five bytes");
        assert!(Tlv::read(&[0x1f, 0x01, 0x00]).is_none(), "a multi-byte tag");
        let (tlv, rest) = Tlv::read(&[0x04, 0x02, 0xaa, 0xbb, 0x05, 0x00]).unwrap();
        assert_eq!((tlv.tag, tlv.value, rest), (0x04, &[0xaa, 0xbb][..], &[0x05, 0x00][..]));
    }
}
