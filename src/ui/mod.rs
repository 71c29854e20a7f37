//! Placeholder until the iced application lands (being written in this folder).
pub fn run(_till: crate::till::Till) -> anyhow::Result<()> {
    anyhow::bail!("the window is not available in this build")
}
