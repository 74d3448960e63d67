//! Output names given out team-wide, so that workers naming outputs at the same moment never
//! give one name to two recordings.

use crate::db::Connection;
use crate::queue::ContentHash;
use crate::Result;

impl Connection {
    /// Gives the output name `name` (a file name without its suffix, `call` or `call-1a2b3c4d`)
    /// to the recording content `sha256`, unless another content has it. Returns whether it is
    /// `sha256`'s now: the same content asking again gets it again, as often as it asks.
    pub fn reserve_output_name(&mut self, name: &str, sha256: &ContentHash) -> Result<bool> {
        let owner: String = self.run("reserving an output name", |client| {
            // Two statements, so that the name's owner is read whether or not this insert won.
            client.execute(
                "INSERT INTO output_names (name, sha256) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &sha256.as_str()],
            )?;
            client.query_one("SELECT sha256 FROM output_names WHERE name = $1", &[&name]).map(|row| row.get(0))
        })?;
        Ok(owner == sha256.as_str())
    }
}
