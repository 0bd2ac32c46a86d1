//! What makes a capture an exhibit, as data: the manifest's wire format
//! (`triangulate-capture-manifest/1`) with its provenance, the trail and document responses
//! it quotes, the artefacts' digests and sizes, canonical JSON, and the Ed25519 signature
//! over the manifest's bytes; and the capture's other evidence as bytes: a WARC 1.1 file of
//! the page's HTTP exchanges and provenance ([`warc`]) and its WACZ package ([`wacz`]), and a full-page
//! screenshot's tiles joined into one lossless PNG ([`tiles`]), written so that a band of its
//! rows can be lifted out without compressing it again ([`segmented`]); and the RFC 3161 timestamp
//! request and the full check of a time-stamping authority's answer ([`timestamp`]).
//!
//! This crate does no IO and reads no clock: bytes, times and keys are passed in, so a
//! manifest can be built and checked without a database, a browser or a webview.

pub mod artefact;
pub mod audit;
pub mod bundle;
pub mod canonical;
pub mod compose;
pub mod manifest;
pub mod redaction;
pub mod segmented;
pub mod signing;
pub mod tiles;
pub mod timestamp;
pub mod trail;
pub mod wacz;
pub mod warc;

pub use artefact::{ArtefactRecord, NewArtefact, png_dimensions, sha256_hex};
pub use canonical::canonical_json;
pub use compose::{ComposeError, Composed, Join, Screen, compose_screens};
pub use manifest::{
    AppInfo, ArchiveInfo, BrowserInfo, FrameInfo, FullPageInfo, JoinInfo, MANIFEST_FORMAT, Manifest, ManifestAccount,
    ManifestSession, ManifestWorker, MissingBody, OperatingSystemInfo, Provenance, ScrollingInfo, TileInfo,
    ViewportInfo, WorkerStatement,
};
pub use signing::{SIGNING_ALGORITHM, SigningKey, SigningKeyInfo, sign_manifest, verify_manifest, verify_signature};
pub use tiles::{
    Effort, JoinedInfo, TileError, join_png_tiles, join_png_tiles_to_vec, join_png_tiles_to_vec_with,
    join_png_tiles_with,
};
pub use trail::{DocumentResponse, TrailEvent};
pub use warc::{Body, HttpRequest, HttpResponse, RecordId, Truncation, WarcInfo, WarcWriter};
