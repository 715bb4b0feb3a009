using System;
using System.IO;
using System.Runtime.InteropServices;

namespace NanoRouter.Hal.Linux
{
    /// <summary>
    /// The host board's settings store: one file holding one record, replaced atomically. A save
    /// writes FILE.tmp, fsyncs it, renames it over FILE and fsyncs the directory, so after a
    /// power cut the file holds the old record or the new one, never a mix (a cut before the
    /// rename leaves only a stray .tmp, which loading ignores). The file holds the admin password's
    /// hash, so it is readable by its owner only (mode 600): every save writes it so, and reading a
    /// file that others may read (an older board's, or one copied in) makes it 600 at once.
    /// </summary>
    public sealed class FileConfigStore : IConfigStore
    {
        private const int MaxBytes = 4096;

        /// <summary>rw------- (600).</summary>
        public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

        private readonly string _path;

        /// <summary>Stores the settings in <paramref name="path"/> (its folder must exist or be creatable).</summary>
        public FileConfigStore(string path)
        {
            _path = Path.GetFullPath(path);
        }

        /// <summary>The settings file.</summary>
        public string FilePath => _path;

        /// <inheritdoc />
        public int SlotCount => 1;

        /// <inheritdoc />
        public int SlotSize => MaxBytes;

        /// <inheritdoc />
        public int Read(int slot, byte[] buffer, int offset, int count)
        {
            try
            {
                using (FileStream stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    if (File.GetUnixFileMode(stream.SafeFileHandle) != Mode)
                    {
                        File.SetUnixFileMode(stream.SafeFileHandle, Mode);
                    }

                    long length = stream.Length;
                    int total = 0;
                    while (total < count)
                    {
                        int read = stream.Read(buffer, offset + total, count - total);
                        if (read <= 0)
                        {
                            break;
                        }

                        total += read;
                    }

                    return length > int.MaxValue ? int.MaxValue : (int)length;
                }
            }
            catch (FileNotFoundException)
            {
                return 0;
            }
            catch (DirectoryNotFoundException)
            {
                return 0;
            }
        }

        /// <inheritdoc />
        public bool Write(int slot, byte[] buffer, int offset, int count)
        {
            string temporary = _path + ".tmp";
            try
            {
                string directory = Path.GetDirectoryName(_path);
                Directory.CreateDirectory(directory);
                var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = Mode };
                using (FileStream stream = new FileStream(temporary, options))
                {
                    // A stray .tmp from a cut save keeps its old mode: set it before any byte is written.
                    File.SetUnixFileMode(stream.SafeFileHandle, Mode);
                    stream.Write(buffer, offset, count);
                    stream.Flush(true);
                }

                File.Move(temporary, _path, true);
                SyncDirectory(directory);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <inheritdoc />
        public void Erase(int slot)
        {
            try
            {
                File.Delete(_path + ".tmp");
                File.Delete(_path);
                SyncDirectory(Path.GetDirectoryName(_path));
            }
            catch (IOException)
            {
            }
        }

        private static void SyncDirectory(string directory)
        {
            const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux
            int fd = open(directory, ReadOnlyDirectory);
            if (fd >= 0)
            {
                fsync(fd);
                close(fd);
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);
    }
}
