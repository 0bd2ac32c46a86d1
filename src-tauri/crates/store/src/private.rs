//! Files and folders readable by their owner only, set as they are created, never after.
//!
//! - Unix: folders 0700, files 0600.
//! - Windows: a protected DACL (one that inherits nothing from the folder above) granting full
//!   control to the current user and to SYSTEM, which Windows' own services (backup, search,
//!   the file system's repair) need; the user is also the owner. A folder's entries are
//!   inheritable, so that what other code creates inside it (SQLCipher's journal and shared
//!   memory files, the browser's profile, the logs) gets the same access as it is created.
//!
//! Every file and folder the store, the exports, the bundles and the logs create goes through
//! here.

use std::fs;
use std::io;
use std::path::Path;

/// Creates the folder and any missing parents, each owner-only.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    #[cfg(windows)]
    {
        windows::create_dir_all(path)
    }
    #[cfg(not(windows))]
    {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(path)
    }
}

/// How to open a file that, if it is created, is created owner-only: as [`fs::OpenOptions`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    read: bool,
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
}

/// Options that create a file owner-only.
pub fn options() -> Options {
    Options::default()
}

impl Options {
    pub fn read(&mut self, yes: bool) -> &mut Self {
        self.read = yes;
        self
    }
    pub fn write(&mut self, yes: bool) -> &mut Self {
        self.write = yes;
        self
    }
    pub fn append(&mut self, yes: bool) -> &mut Self {
        self.append = yes;
        self
    }
    pub fn truncate(&mut self, yes: bool) -> &mut Self {
        self.truncate = yes;
        self
    }
    pub fn create(&mut self, yes: bool) -> &mut Self {
        self.create = yes;
        self
    }
    pub fn create_new(&mut self, yes: bool) -> &mut Self {
        self.create_new = yes;
        self
    }

    pub fn open(&self, path: &Path) -> io::Result<fs::File> {
        #[cfg(windows)]
        {
            windows::open(self, path)
        }
        #[cfg(not(windows))]
        {
            let mut options = fs::OpenOptions::new();
            options
                .read(self.read)
                .write(self.write)
                .append(self.append)
                .truncate(self.truncate)
                .create(self.create)
                .create_new(self.create_new);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(path)
        }
    }
}

/// Writes a new file, owner-only; refuses to replace one that exists.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use io::Write;
    let mut file = options().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens a file for appending, creating it owner-only.
pub fn append(path: &Path) -> io::Result<fs::File> {
    options().create(true).append(true).open(path)
}

/// Takes every permission for group and others away from an existing file or folder (Unix),
/// where an earlier version or a copy left it open to other users of the machine. Nothing
/// made by a version for Windows was ever made without its DACL, so there it does nothing.
pub fn tighten(path: &Path, folder: bool) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = fs::symlink_metadata(path)
            && metadata.is_dir() == folder
            && !metadata.file_type().is_symlink()
            && metadata.permissions().mode() & 0o077 != 0
        {
            let mode = if folder { 0o700 } else { 0o600 };
            if fs::set_permissions(path, fs::Permissions::from_mode(mode)).is_ok() {
                tracing::info!(path = %path.display(), "made private to its owner");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, folder);
}

/// The security descriptors given to what is created, in SDDL, for the user with this SID:
/// owned by the user, a protected DACL granting full control to the user and SYSTEM, the
/// folder's entries inherited by what is created in it.
pub fn owner_only_sddl(user_sid: &str, folder: bool) -> String {
    let inherit = if folder { "OICI" } else { "" };
    format!("O:{user_sid}D:P(A;{inherit};FA;;;{user_sid})(A;{inherit};FA;;;SY)")
}

#[cfg(windows)]
mod windows {
    use super::Options;
    use std::ffi::c_void;
    use std::fs;
    use std::io;
    use std::os::windows::ffi::OsStrExt;
    use std::os::windows::io::FromRawHandle;
    use std::path::Path;
    use std::sync::OnceLock;
    use windows_sys::Win32::Foundation::{
        CloseHandle, ERROR_ALREADY_EXISTS, GENERIC_READ, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE, LocalFree,
    };
    use windows_sys::Win32::Security::Authorization::{
        ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
    };
    use windows_sys::Win32::Security::{GetTokenInformation, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER, TokenUser};
    use windows_sys::Win32::Storage::FileSystem::{
        CREATE_ALWAYS, CREATE_NEW, CreateDirectoryW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_GENERIC_WRITE,
        FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_WRITE_DATA, OPEN_ALWAYS, OPEN_EXISTING,
        TRUNCATE_EXISTING,
    };
    use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

    fn wide(path: &Path) -> Vec<u16> {
        path.as_os_str().encode_wide().chain(Some(0)).collect()
    }

    /// The current user's SID as text (`S-1-5-21-…`), read once from the process's token.
    fn user_sid() -> io::Result<&'static str> {
        static SID: OnceLock<Result<String, i32>> = OnceLock::new();
        SID.get_or_init(|| {
            // SAFETY: every pointer passed is valid for the call; the token handle is closed,
            // the string the SID is converted to is freed with LocalFree as documented.
            unsafe {
                let mut token: HANDLE = std::ptr::null_mut();
                if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
                    return Err(io::Error::last_os_error().raw_os_error().unwrap_or(0));
                }
                let mut buffer = [0u64; 64];
                let mut size = 0u32;
                let read = GetTokenInformation(
                    token,
                    TokenUser,
                    buffer.as_mut_ptr().cast(),
                    std::mem::size_of_val(&buffer) as u32,
                    &mut size,
                );
                let error = io::Error::last_os_error().raw_os_error().unwrap_or(0);
                CloseHandle(token);
                if read == 0 {
                    return Err(error);
                }
                let user = &*(buffer.as_ptr() as *const TOKEN_USER);
                let mut text: *mut u16 = std::ptr::null_mut();
                if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
                    return Err(io::Error::last_os_error().raw_os_error().unwrap_or(0));
                }
                let length = (0..).take_while(|&i| *text.add(i) != 0).count();
                let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, length));
                LocalFree(text.cast());
                Ok(sid)
            }
        })
        .as_ref()
        .map(String::as_str)
        .map_err(|&code| io::Error::from_raw_os_error(code))
    }

    /// A security descriptor made from SDDL, freed when dropped.
    struct Descriptor(*mut c_void);

    impl Descriptor {
        fn owner_only(folder: bool) -> io::Result<Descriptor> {
            let sddl: Vec<u16> = super::owner_only_sddl(user_sid()?, folder).encode_utf16().chain(Some(0)).collect();
            let mut descriptor: *mut c_void = std::ptr::null_mut();
            // SAFETY: the string is NUL-terminated; the descriptor is freed with LocalFree on drop.
            let made = unsafe {
                ConvertStringSecurityDescriptorToSecurityDescriptorW(
                    sddl.as_ptr(),
                    SDDL_REVISION_1,
                    &mut descriptor,
                    std::ptr::null_mut(),
                )
            };
            if made == 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(Descriptor(descriptor))
        }

        fn attributes(&self) -> SECURITY_ATTRIBUTES {
            SECURITY_ATTRIBUTES {
                nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
                lpSecurityDescriptor: self.0,
                bInheritHandle: 0,
            }
        }
    }

    impl Drop for Descriptor {
        fn drop(&mut self) {
            // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW.
            unsafe { LocalFree(self.0) };
        }
    }

    pub(super) fn create_dir_all(path: &Path) -> io::Result<()> {
        if path.is_dir() {
            return Ok(());
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_dir_all(parent)?;
        }
        let descriptor = Descriptor::owner_only(true)?;
        let attributes = descriptor.attributes();
        // SAFETY: the path is NUL-terminated and the attributes live across the call.
        if unsafe { CreateDirectoryW(wide(path).as_ptr(), &attributes) } == 0 {
            let error = io::Error::last_os_error();
            if error.raw_os_error() == Some(ERROR_ALREADY_EXISTS as i32) && path.is_dir() {
                return Ok(());
            }
            return Err(error);
        }
        Ok(())
    }

    pub(super) fn open(options: &Options, path: &Path) -> io::Result<fs::File> {
        let mut access = 0;
        if options.read {
            access |= GENERIC_READ;
        }
        if options.write {
            access |= GENERIC_WRITE;
        }
        if options.append {
            // As the standard library does: appending, never writing over what is there.
            access |= FILE_GENERIC_WRITE & !FILE_WRITE_DATA;
        }
        if access == 0 {
            return Err(io::Error::from(io::ErrorKind::InvalidInput));
        }
        let disposition = match (options.create_new, options.create, options.truncate) {
            (true, _, _) => CREATE_NEW,
            (false, true, true) => CREATE_ALWAYS,
            (false, true, false) => OPEN_ALWAYS,
            (false, false, true) => TRUNCATE_EXISTING,
            (false, false, false) => OPEN_EXISTING,
        };
        let descriptor = Descriptor::owner_only(false)?;
        let attributes = descriptor.attributes();
        // SAFETY: the path is NUL-terminated and the attributes live across the call; the
        // handle returned is owned by the File made from it.
        let handle = unsafe {
            CreateFileW(
                wide(path).as_ptr(),
                access,
                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                &attributes,
                disposition,
                FILE_ATTRIBUTE_NORMAL,
                std::ptr::null_mut(),
            )
        };
        if handle == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a valid handle just opened, owned by nothing else.
        Ok(unsafe { fs::File::from_raw_handle(handle as _) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_descriptor_grants_the_user_and_system_only_and_inherits_nothing() {
        let folder = owner_only_sddl("S-1-5-21-1-2-3-1001", true);
        assert_eq!(folder, "O:S-1-5-21-1-2-3-1001D:P(A;OICI;FA;;;S-1-5-21-1-2-3-1001)(A;OICI;FA;;;SY)");
        let file = owner_only_sddl("S-1-5-21-1-2-3-1001", false);
        assert_eq!(file, "O:S-1-5-21-1-2-3-1001D:P(A;;FA;;;S-1-5-21-1-2-3-1001)(A;;FA;;;SY)");
    }

    #[cfg(unix)]
    #[test]
    fn files_and_folders_are_created_for_their_owner_alone() {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir().unwrap();
        let folder = temp.path().join("a/b");
        create_dir_all(&folder).unwrap();
        assert_eq!(fs::metadata(&folder).unwrap().permissions().mode() & 0o777, 0o700);
        let file = folder.join("f");
        write_new(&file, b"x").unwrap();
        assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(write_new(&file, b"y").is_err(), "never replaced");
        assert_eq!(fs::read(&file).unwrap(), b"x");
        std::io::Write::write_all(&mut append(&file).unwrap(), b"z").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"xz");
    }
}
