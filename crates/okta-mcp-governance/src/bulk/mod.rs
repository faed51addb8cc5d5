//! The CSV → entitlements → grants workflow (toolset `bulk`): CSV files from a configured folder or S3
//! (`source`), read (`csv`) and interpreted as access per user (`sheet`), matched against what an app has
//! (`target`), then applied at the pace Okta's rate limits allow (`meter`), with a journal that lets an
//! interrupted run resume without duplicates (`journal`). The tools are in `tools::bulk`.

// S3 sources need the `s3` feature (on by default); without it an s3:// name is refused.

pub mod apply;
pub mod batch;
pub mod csv;
pub mod journal;
pub mod meter;
pub mod prepare;
#[cfg(feature = "s3")]
pub mod s3;
pub mod sheet;
pub mod source;
pub mod target;

use okta_mcp_kit::ToolError;
use schemars::JsonSchema;
use serde::Deserialize;
use sha2::Digest;

use csv::Table;
use sheet::{ColumnArgs, Columns, Sheet};

/// At most this many data rows in a file.
pub const MAX_ROWS: usize = 200_000;

/// A CSV file and how to read its columns: what validate, analyze, prepare and apply take.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct FileArgs {
    /// CSV in OKTA_MCP_CSV_DIR, or s3://bucket/key.
    pub file: String,
    #[serde(flatten)]
    pub columns: ColumnArgs,
}

/// A CSV file read and interpreted.
#[derive(Debug)]
pub struct Loaded {
    pub file: String,
    /// SHA-256 of the file's bytes (hex).
    pub digest: String,
    pub table: Table,
    pub columns: Columns,
    pub sheet: Sheet,
}

impl Loaded {
    /// The header of the column `i`.
    pub fn header(&self, i: usize) -> &str {
        self.table.headers.get(i).map(String::as_str).unwrap_or_default()
    }
}

/// Read `file` (bounded) as text.
pub async fn read_text(file: &str) -> Result<String, ToolError> {
    let bytes = source::read(file, source::MAX_BYTES).await?;
    String::from_utf8(bytes).map_err(|e| {
        ToolError::refused(format!(
            "{file:?} is not UTF-8 text (byte {}): save it as UTF-8 CSV",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Read and interpret a CSV file (nothing is sent to Okta).
pub async fn load(args: &FileArgs) -> Result<Loaded, ToolError> {
    let text = read_text(&args.file).await?;
    let digest = hex(&sha2::Sha256::digest(text.as_bytes()));
    let table = Table::parse(&text, MAX_ROWS).map_err(|e| ToolError::refused(format!("{:?}: {e}", args.file)))?;
    let columns = Columns::of(&table, &args.columns)?;
    let sheet = Sheet::read(&table, &columns);
    Ok(Loaded { file: args.file.trim().to_owned(), digest, table, columns, sheet })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
