#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What identifies one file's content without reading it: size, modification time and inode.
/// An editor that saves in place changes the time; one that writes a new file and renames it changes the inode.
package struct FileStamp: Sendable, Hashable {
    package var path: String
    package var exists: Bool
    package var size: Int64
    package var modifiedSeconds: Int
    package var modifiedNanoseconds: Int
    package var inode: UInt64

    package init(path: String) {
        self.path = path
        var st = stat()
        if stat(path, &st) == 0 {
            exists = true
            size = Int64(st.st_size)
            #if canImport(Darwin)
            modifiedSeconds = Int(st.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int(st.st_mtimespec.tv_nsec)
            #else
            modifiedSeconds = Int(st.st_mtim.tv_sec)
            modifiedNanoseconds = Int(st.st_mtim.tv_nsec)
            #endif
            inode = UInt64(st.st_ino)
        } else {
            exists = false
            size = -1
            modifiedSeconds = 0
            modifiedNanoseconds = 0
            inode = 0
        }
    }
}
