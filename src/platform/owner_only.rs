//! Files that hold secrets or the shop's records (the ledger, the config) are readable by
//! their owner only on Unix (0600); elsewhere the user folder's own permissions apply.

use std::path::Path;

/// Makes an existing `path` owner-only if others may read or write it. `Ok(true)` when it
/// had to be tightened (the caller warns), `Ok(false)` when it already was or is missing.
pub fn tighten(path: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = std::fs::metadata(path) else {
            return Ok(false);
        };
        if meta.permissions().mode() & 0o077 == 0 {
            return Ok(false);
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        Ok(true)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(false)
    }
}
