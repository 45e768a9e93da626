/*
 * Hanger's SQLite VFS shim: a commit's WAL frames reach the file in a few writes instead of
 * two per page (`wal-batch.ts` says why and when it is used).
 *
 * SQLite writes each WAL frame as its 24-byte header and then its page, one write() apiece:
 * a sale at chain size commits ~100 pages, 200 system calls before the fsync. This VFS wraps
 * the default one ("unix") and is made the default itself; every file it opens is passed
 * through untouched, except the WAL of a connection that asked for batching with
 * `PRAGMA hanger_wal_batch = 1`. Writes to such a WAL that follow one another are gathered in
 * memory and written together; anything else done to that file first writes what is gathered:
 * a sync (so the commit's fsync covers every byte, as before), a read, a write elsewhere, a
 * truncate, its size, a file control, closing it. Nothing is kept past the commit's sync.
 *
 * Only for a connection with synchronous = FULL on a device with power-safe overwrite
 * (Linux's default): there SQLite syncs the WAL after a commit's frames and before it makes
 * them visible to other connections in the WAL index, so no other connection can look for
 * bytes still gathered here. With NORMAL or OFF it would not sync; without power-safe
 * overwrite it pads the commit and writes its last part after the sync. The pragma is set only
 * by the server's writer, after `synchronous = FULL`; the device is checked when the WAL opens.
 */
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1

#include <string.h>

/* Gathered writes are written out past this size (an import's transaction may be gigabytes). */
#define BATCH_LIMIT (4 * 1024 * 1024)
/* The most the unix VFS writes in one call (it keeps 17 bits of the length): 120 KiB. */
#define WRITE_CHUNK (30 * 4096)
#define PRAGMA_NAME "hanger_wal_batch"

typedef struct BatchFile BatchFile;
struct BatchFile {
  sqlite3_file base;
  sqlite3_file *real;       /* the wrapped VFS's file, allocated right after this struct */
  int isWal;                /* this is a WAL file that may gather (power-safe overwrite) */
  sqlite3_file *mainDb;     /* for a WAL: its database's file (asks for batching) */
  int batch;                /* for a database: its connection asked for batched WAL writes */
  unsigned char *buf;       /* gathered bytes, for `bufStart` onwards */
  sqlite3_int64 bufStart;
  int bufLen;
  int bufCap;
};

static sqlite3_vfs batchVfs;
static sqlite3_vfs *realVfs;
static const sqlite3_io_methods batchMethods;

static int gathers(BatchFile *p) {
  BatchFile *db = (BatchFile *)p->mainDb;
  return p->isWal && db && db->base.pMethods == &batchMethods && db->batch;
}

/* Writes out what is gathered. What fails to be written is dropped: the commit it belonged to
 * fails with that error and is rolled back, as when a write of its own had failed. */
static int flush(BatchFile *p) {
  int rc = SQLITE_OK;
  int done = 0;
  while (rc == SQLITE_OK && done < p->bufLen) {
    int n = p->bufLen - done < WRITE_CHUNK ? p->bufLen - done : WRITE_CHUNK;
    rc = p->real->pMethods->xWrite(p->real, p->buf + done, n, p->bufStart + done);
    done += n;
  }
  p->bufLen = 0;
  return rc;
}

static int batchClose(sqlite3_file *f) {
  BatchFile *p = (BatchFile *)f;
  int rc = flush(p);
  int closed = p->real->pMethods->xClose(p->real);
  sqlite3_free(p->buf);
  p->buf = 0;
  p->bufCap = 0;
  return rc != SQLITE_OK ? rc : closed;
}

static int batchRead(sqlite3_file *f, void *z, int n, sqlite3_int64 at) {
  BatchFile *p = (BatchFile *)f;
  int rc = flush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xRead(p->real, z, n, at);
}

static int batchWrite(sqlite3_file *f, const void *z, int n, sqlite3_int64 at) {
  BatchFile *p = (BatchFile *)f;
  int rc;
  if (!gathers(p) || n > BATCH_LIMIT) {
    rc = flush(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xWrite(p->real, z, n, at);
  }
  if (p->bufLen > 0 && (at != p->bufStart + p->bufLen || p->bufLen + n > BATCH_LIMIT)) {
    rc = flush(p);
    if (rc != SQLITE_OK) return rc;
  }
  if (p->bufLen + n > p->bufCap) {
    int cap = p->bufCap > 0 ? p->bufCap : 64 * 1024;
    unsigned char *grown;
    while (cap < p->bufLen + n) cap *= 2;
    if (cap > BATCH_LIMIT) cap = BATCH_LIMIT;
    grown = sqlite3_realloc(p->buf, cap);
    if (!grown) {
      rc = flush(p);
      return rc != SQLITE_OK ? rc : p->real->pMethods->xWrite(p->real, z, n, at);
    }
    p->buf = grown;
    p->bufCap = cap;
  }
  if (p->bufLen == 0) p->bufStart = at;
  memcpy(p->buf + p->bufLen, z, n);
  p->bufLen += n;
  return SQLITE_OK;
}

static int batchTruncate(sqlite3_file *f, sqlite3_int64 size) {
  BatchFile *p = (BatchFile *)f;
  int rc = flush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xTruncate(p->real, size);
}

static int batchSync(sqlite3_file *f, int flags) {
  BatchFile *p = (BatchFile *)f;
  int rc = flush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xSync(p->real, flags);
}

static int batchFileSize(sqlite3_file *f, sqlite3_int64 *size) {
  BatchFile *p = (BatchFile *)f;
  int rc = flush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int batchLock(sqlite3_file *f, int level) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xLock(p->real, level);
}

static int batchUnlock(sqlite3_file *f, int level) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xUnlock(p->real, level);
}

static int batchCheckReservedLock(sqlite3_file *f, int *out) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int batchFileControl(sqlite3_file *f, int op, void *arg) {
  BatchFile *p = (BatchFile *)f;
  int rc;
  if (op == SQLITE_FCNTL_PRAGMA) {
    char **words = (char **)arg;
    if (words[1] && sqlite3_stricmp(words[1], PRAGMA_NAME) == 0) {
      if (words[2]) p->batch = sqlite3_stricmp(words[2], "1") == 0 || sqlite3_stricmp(words[2], "on") == 0;
      words[0] = sqlite3_mprintf("%d", p->batch);
      return SQLITE_OK;
    }
  }
  if (op == SQLITE_FCNTL_VFSNAME) {
    rc = p->real->pMethods->xFileControl(p->real, op, arg);
    if (rc == SQLITE_OK) {
      char **name = (char **)arg;
      char *wrapped = sqlite3_mprintf("hanger-wal-batch/%z", *name);
      if (wrapped) *name = wrapped;
    }
    return rc;
  }
  rc = flush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xFileControl(p->real, op, arg);
}

static int batchSectorSize(sqlite3_file *f) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xSectorSize(p->real);
}

static int batchDeviceCharacteristics(sqlite3_file *f) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xDeviceCharacteristics(p->real);
}

static int batchShmMap(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xShmMap(p->real, region, size, extend, out);
}

static int batchShmLock(sqlite3_file *f, int offset, int n, int flags) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xShmLock(p->real, offset, n, flags);
}

static void batchShmBarrier(sqlite3_file *f) {
  BatchFile *p = (BatchFile *)f;
  p->real->pMethods->xShmBarrier(p->real);
}

static int batchShmUnmap(sqlite3_file *f, int deleteFlag) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xShmUnmap(p->real, deleteFlag);
}

static int batchFetch(sqlite3_file *f, sqlite3_int64 at, int n, void **out) {
  BatchFile *p = (BatchFile *)f;
  int rc = flush(p);
  return rc != SQLITE_OK ? rc : p->real->pMethods->xFetch(p->real, at, n, out);
}

static int batchUnfetch(sqlite3_file *f, sqlite3_int64 at, void *page) {
  BatchFile *p = (BatchFile *)f;
  return p->real->pMethods->xUnfetch(p->real, at, page);
}

static const sqlite3_io_methods batchMethods = {
  3,
  batchClose,
  batchRead,
  batchWrite,
  batchTruncate,
  batchSync,
  batchFileSize,
  batchLock,
  batchUnlock,
  batchCheckReservedLock,
  batchFileControl,
  batchSectorSize,
  batchDeviceCharacteristics,
  batchShmMap,
  batchShmLock,
  batchShmBarrier,
  batchShmUnmap,
  batchFetch,
  batchUnfetch,
};

static int batchOpen(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags) {
  BatchFile *p = (BatchFile *)f;
  int rc;
  (void)vfs;
  memset(p, 0, sizeof(*p));
  p->real = (sqlite3_file *)&p[1];
  rc = realVfs->xOpen(realVfs, name, p->real, flags, outFlags);
  if (p->real->pMethods == 0) {
    f->pMethods = 0;
    return rc;
  }
  /* Every method below forwards to the wrapped file's: it must have them all (unix does). */
  if (p->real->pMethods->iVersion < 3) {
    p->real->pMethods->xClose(p->real);
    f->pMethods = 0;
    return SQLITE_CANTOPEN;
  }
  f->pMethods = &batchMethods;
  if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && name) {
    p->isWal = (p->real->pMethods->xDeviceCharacteristics(p->real) & SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0;
    p->mainDb = sqlite3_database_file_object(name);
  }
  return rc;
}

static int batchDelete(sqlite3_vfs *v, const char *name, int syncDir) {
  (void)v;
  return realVfs->xDelete(realVfs, name, syncDir);
}

static int batchAccess(sqlite3_vfs *v, const char *name, int flags, int *out) {
  (void)v;
  return realVfs->xAccess(realVfs, name, flags, out);
}

static int batchFullPathname(sqlite3_vfs *v, const char *name, int n, char *out) {
  (void)v;
  return realVfs->xFullPathname(realVfs, name, n, out);
}

static void *batchDlOpen(sqlite3_vfs *v, const char *name) {
  (void)v;
  return realVfs->xDlOpen(realVfs, name);
}

static void batchDlError(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  realVfs->xDlError(realVfs, n, out);
}

static void (*batchDlSym(sqlite3_vfs *v, void *lib, const char *symbol))(void) {
  (void)v;
  return realVfs->xDlSym(realVfs, lib, symbol);
}

static void batchDlClose(sqlite3_vfs *v, void *lib) {
  (void)v;
  realVfs->xDlClose(realVfs, lib);
}

static int batchRandomness(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return realVfs->xRandomness(realVfs, n, out);
}

static int batchSleep(sqlite3_vfs *v, int microseconds) {
  (void)v;
  return realVfs->xSleep(realVfs, microseconds);
}

static int batchCurrentTime(sqlite3_vfs *v, double *out) {
  (void)v;
  return realVfs->xCurrentTime(realVfs, out);
}

static int batchGetLastError(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return realVfs->xGetLastError ? realVfs->xGetLastError(realVfs, n, out) : 0;
}

static int batchCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) {
  (void)v;
  return realVfs->xCurrentTimeInt64(realVfs, out);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_walbatch_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  int rc;
  (void)db;
  SQLITE_EXTENSION_INIT2(api);
  /* Kept loaded when the connection that loaded it closes: the VFS lives on. */
  if (sqlite3_vfs_find("hanger-wal-batch")) return SQLITE_OK_LOAD_PERMANENTLY;
  realVfs = sqlite3_vfs_find(0);
  if (!realVfs || realVfs->iVersion < 2) {
    *error = sqlite3_mprintf("the default VFS cannot be wrapped");
    return SQLITE_ERROR;
  }
  batchVfs.iVersion = 2;
  batchVfs.szOsFile = (int)sizeof(BatchFile) + realVfs->szOsFile;
  batchVfs.mxPathname = realVfs->mxPathname;
  batchVfs.zName = "hanger-wal-batch";
  batchVfs.xOpen = batchOpen;
  batchVfs.xDelete = batchDelete;
  batchVfs.xAccess = batchAccess;
  batchVfs.xFullPathname = batchFullPathname;
  batchVfs.xDlOpen = batchDlOpen;
  batchVfs.xDlError = batchDlError;
  batchVfs.xDlSym = batchDlSym;
  batchVfs.xDlClose = batchDlClose;
  batchVfs.xRandomness = batchRandomness;
  batchVfs.xSleep = batchSleep;
  batchVfs.xCurrentTime = batchCurrentTime;
  batchVfs.xGetLastError = batchGetLastError;
  batchVfs.xCurrentTimeInt64 = batchCurrentTimeInt64;
  rc = sqlite3_vfs_register(&batchVfs, 1);
  return rc == SQLITE_OK ? SQLITE_OK_LOAD_PERMANENTLY : rc;
}
