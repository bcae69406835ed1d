/* Safetensors checkpoints (round trip, metadata, malformed and truncated files) and the memory profiler
 * (recording, snapshot JSON, findings, module tags) through the C API. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "test_util.h"

static int temp_path(char* path) {
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd < 0) return 0;
  close(fd);
  return 1;
}

/* Bytes of a file into buf (at most cap); returns the count, or -1. */
static long read_file(const char* path, unsigned char* buf, long cap) {
  FILE* f = fopen(path, "rb");
  long n;
  if (f == NULL) return -1;
  n = (long)fread(buf, 1, (size_t)cap, f);
  fclose(f);
  return n;
}
static int write_file(const char* path, const unsigned char* buf, long n) {
  FILE* f = fopen(path, "wb");
  int ok;
  if (f == NULL) return 0;
  ok = fwrite(buf, 1, (size_t)n, f) == (size_t)n;
  return fclose(f) == 0 && ok;
}

static void round_trip(void) {
  char path[] = "/tmp/tfl_ckpt_XXXXXX";
  tfl_tensor* w = mk(TFL_DTYPE_F32, 2, S(2, 3), V(1, 2, 3, 4, 5, 6));
  tfl_tensor* ids = mk(TFL_DTYPE_I64, 1, S(3), V(7, -8, 9));
  tfl_tensor* h = mk(TFL_DTYPE_F16, 0, NULL, V(0.5));
  tfl_tensor *wt = NULL, *o = NULL;
  tfl_safetensors* file = NULL;
  const char* names[3] = {"layer.weight", "ids", "scale"};
  const char* keys[2] = {"format", "epoch"};
  const char* values[2] = {"pt", "3"};
  const char *s = NULL, *k = NULL;
  size_t n = 0, i;
  int seen = 0;

  if (!temp_path(path)) return;
  OK(tfl_tensor_transpose(&wt, w, 0, 1)); /* a non-contiguous view is written contiguous */
  keep(wt);
  OK(tfl_safetensors_save(path, names, (const tfl_tensor* const[]){wt, ids, h}, 3, keys, values, 2));

  OK(tfl_safetensors_from_file(&file, path));
  OK(tfl_safetensors_count(&n, file));
  CHECK(n == 3);
  for (i = 0; i < n; ++i) {
    OK(tfl_safetensors_name(&s, file, i));
    if (strcmp(s, "layer.weight") == 0) seen |= 1;
    if (strcmp(s, "ids") == 0) seen |= 2;
    if (strcmp(s, "scale") == 0) seen |= 4;
  }
  CHECK(seen == 7);
  OK(tfl_safetensors_tensor_by_name(&o, file, "layer.weight"));
  EXPECT(keep(o), TFL_DTYPE_F32, 2, S(3, 2), V(1, 4, 2, 5, 3, 6));
  OK(tfl_safetensors_tensor_by_name(&o, file, "ids"));
  EXPECT(keep(o), TFL_DTYPE_I64, 1, S(3), V(7, -8, 9));
  OK(tfl_safetensors_tensor_by_name(&o, file, "scale"));
  EXPECT(keep(o), TFL_DTYPE_F16, 0, NULL, V(0.5));
  OK(tfl_safetensors_tensor(&o, file, 0));
  keep(o);
  FAILS(tfl_safetensors_tensor_by_name(&o, file, "missing"), TFL_ERR_INVALID_ARGUMENT, "'missing'");
  CHECK(o == NULL);
  FAILS(tfl_safetensors_tensor(&o, file, 3), TFL_ERR_INDEX, "out of range for 3 tensors");
  FAILS(tfl_safetensors_name(&s, file, 99), TFL_ERR_INDEX, "99");
  CHECK(s == NULL);

  OK(tfl_safetensors_metadata(&s, file, "epoch"));
  CHECK(s != NULL && strcmp(s, "3") == 0);
  OK(tfl_safetensors_metadata(&s, file, "absent"));
  CHECK(s == NULL);
  OK(tfl_safetensors_metadata_count(&n, file));
  CHECK(n == 2);
  OK(tfl_safetensors_metadata_entry(&k, &s, file, 0)); /* keys in byte order: "epoch" < "format" */
  CHECK(strcmp(k, "epoch") == 0 && strcmp(s, "3") == 0);
  FAILS(tfl_safetensors_metadata_entry(&k, &s, file, 2), TFL_ERR_INDEX, "2");
  CHECK(k == NULL && s == NULL);

  /* the tensors outlive the handle (they keep the mapping) */
  OK(tfl_safetensors_tensor_by_name(&o, file, "ids"));
  keep(o);
  tfl_safetensors_release(file);
  EXPECT(o, TFL_DTYPE_I64, 1, S(3), V(7, -8, 9));

  /* save errors */
  FAILS(tfl_safetensors_save(path, (const char* const[]){"a", "a"}, (const tfl_tensor* const[]){w, w}, 2, NULL, NULL, 0),
        TFL_ERR_INVALID_ARGUMENT, "a");
  FAILS(tfl_safetensors_save(path, (const char* const[]){"a", NULL}, (const tfl_tensor* const[]){w, w}, 2, NULL, NULL, 0),
        TFL_ERR_INVALID_ARGUMENT, "'names': element 1");
  FAILS(tfl_safetensors_save(path, names, (const tfl_tensor* const[]){w}, 1, keys, NULL, 1), TFL_ERR_INVALID_ARGUMENT,
        "'metadata_values'");
  FAILS(tfl_safetensors_save(path, names, (const tfl_tensor* const[]){w}, 1, (const char* const[]){"k", "k"},
                             (const char* const[]){"1", "2"}, 2),
        TFL_ERR_INVALID_ARGUMENT, "appears more than once");
  FAILS(tfl_safetensors_save("/nonexistent/dir/x.safetensors", names, (const tfl_tensor* const[]){w}, 1, NULL, NULL, 0),
        TFL_ERR_IO, "/nonexistent/dir");
  /* the file from before is intact */
  OK(tfl_safetensors_from_file(&file, path));
  tfl_safetensors_release(file);

  /* a truncated file is an IO error naming the file, not a crash */
  {
    static unsigned char bytes[4096];
    long len = read_file(path, bytes, (long)sizeof bytes), cut;
    CHECK(len > 16 && len < (long)sizeof bytes);
    for (cut = 0; cut < len; cut += (cut < 16 ? 1 : 13)) {
      tfl_status st;
      CHECK(write_file(path, bytes, cut));
      file = NULL;
      st = tfl_safetensors_from_file(&file, path);
      if (st != TFL_ERR_SERIALIZATION || strstr(tfl_last_error_message(), path) == NULL) {
        ++failures;
        fprintf(stderr, "truncated to %ld bytes: %s '%s'\n", cut, tfl_status_name(st), tfl_last_error_message());
        break;
      }
      CHECK(file == NULL);
    }
    /* a header length that points past the end of the file */
    bytes[0] = 0xff, bytes[1] = 0xff, bytes[2] = 0xff, bytes[3] = 0x7f;
    CHECK(write_file(path, bytes, len));
    FAILS(tfl_safetensors_from_file(&file, path), TFL_ERR_SERIALIZATION, path);
  }
  FAILS(tfl_safetensors_from_file(&file, "/nonexistent/dir/x.safetensors"), TFL_ERR_IO, "/nonexistent/dir/x.safetensors");
  FAILS(tfl_safetensors_from_file(NULL, path), TFL_ERR_INVALID_ARGUMENT, "'out'");
  remove(path);
}

/* The text after `"key":` in json, or NULL. */
static const char* json_field(const char* json, const char* key) {
  char quoted[64];
  const char* p;
  snprintf(quoted, sizeof quoted, "\"%s\":", key);
  p = strstr(json, quoted);
  return p ? p + strlen(quoted) : NULL;
}

static void profiler(void) {
  size_t len = 0, len2 = 0;
  char* json;
  char small[4];
  bool rec = false;
  tfl_tensor *a = NULL, *b = NULL;
  const char* f;
  long long peak = -1;

  OK(tfl_memory_profiler_start());
  OK(tfl_memory_profiler_recording(&rec));
  CHECK(rec);
  OK(tfl_memory_push_module("encoder.fc1"));
  OK(tfl_tensor_zeros(&a, S(256, 256), 2, TFL_DTYPE_F32)); /* 256 KiB under the module */
  OK(tfl_memory_pop_module());
  OK(tfl_tensor_add(&b, a, a));
  OK(tfl_memory_profiler_stop());
  OK(tfl_memory_profiler_recording(&rec));
  CHECK(!rec);
  FAILS(tfl_memory_pop_module(), TFL_ERR_INVALID_ARGUMENT, "no module scope");

  OK(tfl_memory_profiler_snapshot_json(NULL, &len, 0, -1));
  CHECK(len > 10);
  FAILS(tfl_memory_profiler_snapshot_json(small, &len2, sizeof small, -1), TFL_ERR_INVALID_ARGUMENT, "'capacity'");
  CHECK(len2 == len);
  json = malloc(len + 1);
  if (json != NULL) {
    OK(tfl_memory_profiler_snapshot_json(json, &len2, len + 1, -1));
    CHECK(len2 == len && strlen(json) == len);
    CHECK(json[0] == '{' && json[len - 1] == '}');
    f = json_field(json, "peak_bytes");
    CHECK(f != NULL && sscanf(f, "%lld", &peak) == 1 && peak >= 2 * 256 * 256 * 4);
    CHECK(strstr(json, "\"timeline\":[") != NULL);
    CHECK(strstr(json, "\"encoder.fc1\"") != NULL); /* the module tag reached the timeline */
    CHECK(strstr(json, "\"add\"") != NULL);          /* and so did the op */
    free(json);
  }
  OK(tfl_memory_profiler_snapshot_json(NULL, &len2, 0, 2)); /* indented: longer */
  CHECK(len2 > len);
  FAILS(tfl_memory_profiler_snapshot_json(NULL, &len, 0, -2), TFL_ERR_INVALID_ARGUMENT, "'indent'");

  OK(tfl_memory_profiler_findings(NULL, &len, 0));
  CHECK(len > 0);
  json = malloc(len + 1);
  if (json != NULL) {
    OK(tfl_memory_profiler_findings(json, &len2, len + 1));
    CHECK(len2 == len && json[len - 1] == '\n');
    CHECK(strstr(json, "peak") != NULL || strstr(json, "Peak") != NULL);
    free(json);
  }
  FAILS(tfl_memory_profiler_findings(NULL, NULL, 0), TFL_ERR_INVALID_ARGUMENT, "'out_len'");
  FAILS(tfl_memory_profiler_findings(NULL, &len, 8), TFL_ERR_INVALID_ARGUMENT, "'out'");
  FAILS(tfl_memory_push_module(NULL), TFL_ERR_INVALID_ARGUMENT, "'name'");
  tfl_tensor_release(a);
  tfl_tensor_release(b);
}

int main(void) {
  round_trip();
  profiler();
  return finish("checkpoint_profiler");
}
