#[cfg(feature = "s3")]
pub mod s3;
