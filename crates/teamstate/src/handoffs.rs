//! The team's handoffs and review corrections, as JSONB, listed by SDR, date and status.

use crate::db::Connection;
use crate::queue::ContentHash;
use crate::Result;
use std::time::SystemTime;

/// As in the handoff document: a draft until its SDR finalizes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffStatus {
    /// Still to be reviewed: what the team lead chases.
    Draft,
    /// Finalized for the AE.
    Ready,
}

impl HandoffStatus {
    /// As stored in `handoffs.status` and shown by `status`.
    pub fn name(self) -> &'static str {
        match self {
            HandoffStatus::Draft => "draft",
            HandoffStatus::Ready => "ready",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [HandoffStatus::Draft, HandoffStatus::Ready].into_iter().find(|status| status.name() == name)
    }
}

/// A handoff to store: the document and what it is listed by.
#[derive(Debug, Clone, Copy)]
pub struct HandoffRecord<'a> {
    /// Of the recording (or transcript) it was made from.
    pub sha256: &'a ContentHash,
    /// Where its `handoff.json` was written, relative to the output folder.
    pub path: &'a str,
    /// Whose call it was, for listing a rep's handoffs; `None` when the inbox does not say.
    pub sdr: Option<&'a str>,
    /// `YYYY-MM-DD`; the database refuses anything that is not a date.
    pub call_date: Option<&'a str>,
    /// Draft or ready, for listing what is left to review.
    pub status: HandoffStatus,
    /// The whole handoff as JSON, so the team's copy needs no file share to be read.
    pub document: &'a serde_json::Value,
}

/// A handoff's review, as the review page or `review --apply` left it.
#[derive(Debug, Clone, Copy)]
pub struct ReviewRecord<'a> {
    /// Of the recording the reviewed handoff was made from.
    pub sha256: &'a ContentHash,
    /// The whole review log so far, in order; what is already stored is kept.
    pub corrections: &'a [serde_json::Value],
    /// The reviewer's sign-off, when the handoff was declared ready.
    pub sign_off: Option<&'a serde_json::Value>,
    /// Draft or ready, as the review log makes it.
    pub status: HandoffStatus,
}

/// A stored handoff with its review corrections, in the order they were made.
#[derive(Debug, Clone)]
pub struct StoredHandoff {
    /// Of the recording it was made from: the key it is stored under.
    pub sha256: ContentHash,
    /// Its `handoff.json`, relative to the output folder.
    pub path: String,
    /// Whose call it was, if known.
    pub sdr: Option<String>,
    /// `YYYY-MM-DD`, if the call said.
    pub call_date: Option<String>,
    /// Draft or ready.
    pub status: HandoffStatus,
    /// The handoff as last stored.
    pub document: serde_json::Value,
    /// The review log's corrections, as recorded.
    pub corrections: Vec<serde_json::Value>,
    /// The reviewer's sign-off (who marked it ready, and when), if any.
    pub sign_off: Option<serde_json::Value>,
    /// When the handoff or its corrections last changed, on the database's clock.
    pub updated_at: SystemTime,
}

impl Connection {
    /// Stores (or replaces) the handoff made from `record.sha256`.
    pub fn store_handoff(&mut self, record: &HandoffRecord) -> Result<()> {
        self.run("storing a handoff", |client| {
            client.execute(
                "INSERT INTO handoffs (sha256, path, sdr, call_date, status, document) \
                 VALUES ($1, $2, $3, $4::text::date, $5, $6) \
                 ON CONFLICT (sha256) DO UPDATE SET path = excluded.path, sdr = excluded.sdr, \
                     call_date = excluded.call_date, status = excluded.status, \
                     document = excluded.document, updated_at = now()",
                &[
                    &record.sha256.as_str(),
                    &record.path,
                    &record.sdr,
                    &record.call_date,
                    &record.status.name(),
                    record.document,
                ],
            )
        })?;
        Ok(())
    }

    /// Stores a handoff's review log (every correction so far, in order). The log only grows,
    /// so what is already stored is kept and only the new corrections are added; returns how
    /// many. The handoff must have been stored first.
    pub fn store_corrections(&mut self, sha256: &ContentHash, corrections: &[serde_json::Value]) -> Result<u64> {
        self.run("storing review corrections", |client| insert_corrections(client, sha256, corrections))
    }

    /// Stores a review: its new corrections, its status and sign-off, in one transaction. Returns
    /// how many corrections were new, or `None` when the team has no such handoff (it was made
    /// outside the team's queue).
    pub fn store_review(&mut self, review: &ReviewRecord) -> Result<Option<u64>> {
        self.run("storing a review", |client| {
            let mut transaction = client.transaction()?;
            let updated = transaction.execute(
                "UPDATE handoffs SET status = $2, sign_off = $3, updated_at = now() WHERE sha256 = $1",
                &[&review.sha256.as_str(), &review.status.name(), &review.sign_off],
            )?;
            if updated == 0 {
                return Ok(None);
            }
            let added = insert_corrections(&mut transaction, review.sha256, review.corrections)?;
            transaction.commit()?;
            Ok(Some(added))
        })
    }

    /// Every handoff (of one SDR, when given), by SDR, call date and path.
    pub fn handoffs(&mut self, sdr: Option<&str>) -> Result<Vec<StoredHandoff>> {
        self.handoffs_where(sdr, None)
    }

    /// The handoffs made from these contents, those the team has.
    pub fn handoffs_among(&mut self, among: &[ContentHash]) -> Result<Vec<StoredHandoff>> {
        self.handoffs_where(None, Some(among))
    }

    fn handoffs_where(&mut self, sdr: Option<&str>, among: Option<&[ContentHash]>) -> Result<Vec<StoredHandoff>> {
        let among: Option<Vec<&str>> = among.map(|among| among.iter().map(ContentHash::as_str).collect());
        let rows = self.run("listing handoffs", |client| {
            client.query(
                "SELECT h.sha256, h.path, h.sdr, h.call_date::text AS call_date, h.status, h.document, \
                     h.sign_off, h.updated_at, \
                     coalesce(jsonb_agg(c.correction ORDER BY c.seq) FILTER (WHERE c.seq IS NOT NULL), '[]') \
                         AS corrections \
                 FROM handoffs h LEFT JOIN corrections c ON c.handoff_sha256 = h.sha256 \
                 WHERE ($1::text IS NULL OR h.sdr = $1) AND ($2::text[] IS NULL OR h.sha256 = ANY($2)) \
                 GROUP BY h.sha256 ORDER BY h.sdr NULLS LAST, h.call_date NULLS LAST, h.path",
                &[&sdr, &among],
            )
        })?;
        rows.iter()
            .map(|row| {
                let sha256: String = row.get("sha256");
                let status: String = row.get("status");
                let corrections = match row.get("corrections") {
                    serde_json::Value::Array(corrections) => corrections,
                    other => return Err(self.corrupt("corrections.correction", other.to_string())),
                };
                Ok(StoredHandoff {
                    sha256: ContentHash::parse(&sha256).map_err(|_| self.corrupt("handoffs.sha256", sha256.clone()))?,
                    path: row.get("path"),
                    sdr: row.get("sdr"),
                    call_date: row.get("call_date"),
                    status: HandoffStatus::from_name(&status)
                        .ok_or_else(|| self.corrupt("handoffs.status", status.clone()))?,
                    document: row.get("document"),
                    corrections,
                    sign_off: row.get("sign_off"),
                    updated_at: row.get("updated_at"),
                })
            })
            .collect()
    }
}

/// The log's corrections not stored yet: `seq` is a correction's position in the log.
fn insert_corrections(
    client: &mut impl postgres::GenericClient,
    sha256: &ContentHash,
    corrections: &[serde_json::Value],
) -> Result<u64, postgres::Error> {
    client.execute(
        "INSERT INTO corrections (handoff_sha256, seq, correction) \
         SELECT $1, (log.position - 1)::integer, log.correction \
         FROM unnest($2::jsonb[]) WITH ORDINALITY AS log (correction, position) \
         ON CONFLICT (handoff_sha256, seq) DO NOTHING",
        &[&sha256.as_str(), &corrections],
    )
}
