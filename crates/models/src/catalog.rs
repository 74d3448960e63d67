//! The Whisper models handoff knows by name: whisper.cpp's published ggml files, with the size
//! and sha256 of each, and the conversions this workspace ships in `../shared/models/`.

/// Where whisper.cpp publishes its ggml models: `<base>/ggml-<name>.bin`.
pub const PUBLISHED_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// The model `process` and `watch` use when none is named. tiny.en quantized to q8_0 beat f16
/// tiny.en on every count measured (BENCHMARKS.md, "Which model by default"): lower WER, more
/// items found, faster, smaller; base-q8_0 is too slow for the 8× realtime budget on 2 cores.
pub const DEFAULT_MODEL: &str = "tiny.en-q8_0";

/// A model handoff can name, find and check: `--model tiny.en` needs no path, and a file whose
/// sha256 is not this one is reported rather than trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownModel {
    /// As whisper.cpp names it: `tiny.en`, `base-q8_0`, ...
    pub name: &'static str,
    /// Size of the published file, in bytes.
    pub size_bytes: u64,
    /// sha256 of the published file (its Git LFS object id on Hugging Face).
    pub sha256: &'static str,
}

impl KnownModel {
    /// The name to look for in a models folder, and to download.
    pub fn file_name(&self) -> String {
        file_name(self.name)
    }

    /// `tiny.en`-style models were trained on English only; the others transcribe (and detect)
    /// ~100 languages.
    pub fn english_only(&self) -> bool {
        self.name.contains(".en")
    }

    /// The file's address under `base` (a URL without the trailing slash, or with it).
    pub fn url(&self, base: &str) -> String {
        format!("{}/{}", base.trim_end_matches('/'), self.file_name())
    }
}

/// `ggml-<name>.bin`, the file name whisper.cpp gives a model.
pub fn file_name(name: &str) -> String {
    format!("ggml-{name}.bin")
}

/// A file that is not whisper.cpp's published one but is known good: converted from the same
/// OpenAI weights another way, so its bytes (and sha256) differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownConversion {
    /// The [`KnownModel`] it is a conversion of.
    pub name: &'static str,
    /// This file's own sha256, accepted besides the published one.
    pub sha256: &'static str,
    /// Where its provenance is written down.
    pub source: &'static str,
}

/// The tiny, base and small families (English-only and multilingual; f16, q5_1, q8_0): the sizes
/// a sales team runs on a laptop or a small server. Medium and large are left out on purpose:
/// on CPU they transcribe slower than the call lasts.
///
/// Sizes and sha256 are those of the files at [`PUBLISHED_BASE_URL`] as Hugging Face lists them
/// (Git LFS object ids); they could not be re-fetched here (no internet), so each was taken only
/// where several independent public projects pinning these downloads agree on it.
pub const KNOWN_MODELS: &[KnownModel] = &[
    model("tiny", 77_691_713, "be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21"),
    model("tiny-q5_1", 32_152_673, "818710568da3ca15689e31a743197b520007872ff9576237bda97bd1b469c3d7"),
    model("tiny-q8_0", 43_537_433, "c2085835d3f50733e2ff6e4b41ae8a2b8d8110461e18821b09a15c40c42d1cca"),
    model("tiny.en", 77_704_715, "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f"),
    model("tiny.en-q5_1", 32_166_155, "c77c5766f1cef09b6b7d47f21b546cbddd4157886b3b5d6d4f709e91e66c7c2b"),
    model("tiny.en-q8_0", 43_550_795, "5bc2b3860aa151a4c6e7bb095e1fcce7cf12c7b020ca08dcec0c6d018bb7dd94"),
    model("base", 147_951_465, "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe"),
    model("base-q5_1", 59_707_625, "422f1ae452ade6f30a004d7e5c6a43195e4433bc370bf23fac9cc591f01a8898"),
    model("base-q8_0", 81_768_585, "c577b9a86e7e048a0b7eada054f4dd79a56bbfa911fbdacf900ac5b567cbb7d9"),
    model("base.en", 147_964_211, "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002"),
    model("base.en-q5_1", 59_721_011, "4baf70dd0d7c4247ba2b81fafd9c01005ac77c2f9ef064e00dcf195d0e2fdd2f"),
    model("base.en-q8_0", 81_781_811, "a4d4a0768075e13cfd7e19df3ae2dbc4a68d37d36a7dad45e8410c9a34f8c87e"),
    model("small", 487_601_967, "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b"),
    model("small-q5_1", 190_085_487, "ae85e4a935d7a567bd102fe55afc16bb595bdb618e11b2fc7591bc08120411bb"),
    model("small-q8_0", 264_464_607, "49c8fb02b65e6049d5fa6c04f81f53b867b5ec9540406812c643f177317f779f"),
    model("small.en", 487_614_201, "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d"),
    model("small.en-q5_1", 190_098_681, "bfdff4894dcb76bbf647d56263ea2a96645423f1669176f4844a1bf8e478ad30"),
    model("small.en-q8_0", 264_477_561, "67a179f608ea6114bd3fdb9060e762b588a3fb3bd00c4387971be4d177958067"),
];

const fn model(name: &'static str, size_bytes: u64, sha256: &'static str) -> KnownModel {
    KnownModel { name, size_bytes, sha256 }
}

const SHARED_README: &str = "../shared/models/README.md";

/// The workspace's own conversions (see `../shared/models/README.md`): same sizes and layout as the
/// published files, other bytes.
pub const KNOWN_CONVERSIONS: &[KnownConversion] = &[
    KnownConversion {
        name: "tiny.en",
        sha256: "25d0eb8164c94f6277b8d12c7a54e0315fc9761b294162662d6d5ad6c656eff6",
        source: SHARED_README,
    },
    KnownConversion {
        name: "tiny.en-q8_0",
        sha256: "b5da93e175939f36a6f16773f881e207bacc2f1ab3310b3370201a3301cde171",
        source: SHARED_README,
    },
    KnownConversion {
        name: "base-q8_0",
        sha256: "ec154a9d64ef691e5035f8502ea31ea3594a6fa00f9fd8f240fe213bf7d25e01",
        source: SHARED_README,
    },
];

/// The catalog entry for `name`; `None` for a name handoff does not know (then it must be a path).
pub fn find(name: &str) -> Option<&'static KnownModel> {
    KNOWN_MODELS.iter().find(|model| model.name == name)
}

/// The known names, comma-separated, for error messages.
pub fn names() -> String {
    KNOWN_MODELS.iter().map(|model| model.name).collect::<Vec<_>>().join(", ")
}

/// What a file's sha256 says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Byte for byte whisper.cpp's published file.
    Published,
    /// A known conversion of the same weights.
    Conversion(&'static KnownConversion),
    /// Neither: a file of unknown origin, a damaged download, or another model under this name.
    Unrecognised,
}

impl KnownModel {
    /// Whether a file with this `sha256` is this model as published, a known conversion, or
    /// something else: `handoff models` shows it, so a damaged download is noticed.
    pub fn provenance(&self, sha256: &str) -> Provenance {
        if sha256.eq_ignore_ascii_case(self.sha256) {
            return Provenance::Published;
        }
        KNOWN_CONVERSIONS
            .iter()
            .find(|conversion| conversion.name == self.name && sha256.eq_ignore_ascii_case(conversion.sha256))
            .map_or(Provenance::Unrecognised, Provenance::Conversion)
    }

    /// Every sha256 a good file of this model may have.
    pub fn accepted_sha256(&self) -> Vec<&'static str> {
        let conversions = KNOWN_CONVERSIONS.iter().filter(|conversion| conversion.name == self.name);
        std::iter::once(self.sha256).chain(conversions.map(|conversion| conversion.sha256)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_catalog_is_well_formed() {
        let names: HashSet<_> = KNOWN_MODELS.iter().map(|model| model.name).collect();
        assert_eq!(names.len(), KNOWN_MODELS.len(), "a name twice");
        let hashes: HashSet<_> = KNOWN_MODELS.iter().map(|model| model.sha256).collect();
        assert_eq!(hashes.len(), KNOWN_MODELS.len(), "a hash twice");
        let is_sha256 =
            |hash: &str| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        for model in KNOWN_MODELS {
            assert!(is_sha256(model.sha256), "{}", model.name);
            // Quantized files are smaller than their f16 original.
            if let Some((original, _)) = model.name.split_once(['-']) {
                assert!(model.size_bytes < find(original).unwrap().size_bytes, "{}", model.name);
            }
        }
        for conversion in KNOWN_CONVERSIONS {
            assert!(is_sha256(conversion.sha256), "{}", conversion.name);
            assert!(find(conversion.name).is_some(), "{} converts no known model", conversion.name);
        }
        assert!(find(DEFAULT_MODEL).is_some());
    }

    #[test]
    fn names_urls_and_languages() {
        let tiny = find("tiny.en-q8_0").unwrap();
        assert_eq!(tiny.file_name(), "ggml-tiny.en-q8_0.bin");
        assert_eq!(tiny.url(PUBLISHED_BASE_URL), format!("{PUBLISHED_BASE_URL}/ggml-tiny.en-q8_0.bin"));
        assert_eq!(tiny.url("http://127.0.0.1:8000/models/"), "http://127.0.0.1:8000/models/ggml-tiny.en-q8_0.bin");
        assert!(tiny.english_only());
        assert!(!find("base-q8_0").unwrap().english_only());
        assert!(find("large-v3").is_none());
    }

    #[test]
    fn provenance_tells_published_from_converted_from_unknown() {
        let base = find("base-q8_0").unwrap();
        assert_eq!(base.provenance(&base.sha256.to_uppercase()), Provenance::Published);
        let shared = "ec154a9d64ef691e5035f8502ea31ea3594a6fa00f9fd8f240fe213bf7d25e01";
        assert!(matches!(base.provenance(shared), Provenance::Conversion(c) if c.source == SHARED_README));
        // A conversion of one model says nothing about another.
        assert_eq!(find("base").unwrap().provenance(shared), Provenance::Unrecognised);
        assert_eq!(base.accepted_sha256(), [base.sha256, shared]);
        assert_eq!(find("small").unwrap().accepted_sha256(), [find("small").unwrap().sha256]);
    }
}
