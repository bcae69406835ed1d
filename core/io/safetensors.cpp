// Safetensors save and zero-copy load. See Note [Safetensors layout].
#include "core/io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/ops/copy.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; a big-endian host would need byte swaps on save and load");

namespace tfl {

// Note [Safetensors layout]
// A file is: 8 bytes little-endian u64 N, N bytes of UTF-8 JSON starting with '{' (may be padded with
// spaces), then the data buffer. The JSON maps each tensor name to {"dtype", "shape", "data_offsets":
// [begin, end]} with offsets relative to the buffer start; an optional "__metadata__" maps strings to
// strings. The reference implementation requires the tensors to tile the buffer exactly: no overlap, no
// hole, nothing after the last tensor. We check all of it before creating a single tensor, so a bad
// file can never make us read outside the mapping.

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSave = "save_safetensors";
constexpr const char* kLoad = "load_safetensors";
constexpr const char* kMetadataKey = "__metadata__";
// Same bound as the reference implementation: a larger header is a corrupt length field.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// Our headers nest three levels; anything deeper is not a safetensors header (and bounds the parser's memory).
constexpr int kMaxJsonDepth = 8;

const char* safetensors_dtype(DType dt) {
  switch (dt) {
    case DType::F32: return "F32";
    case DType::F64: return "F64";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::I32: return "I32";
    case DType::I64: return "I64";
    case DType::U8: return "U8";
    case DType::Bool: return "BOOL";
    case DType::I8: return "I8";
    case DType::I16: return "I16";
    case DType::U16: return "U16";
    case DType::U32: return "U32";
    case DType::U64: return "U64";
  }
  TFL_THROW(DTypeError, kSave, "unsupported dtype code ", static_cast<int>(dt));
}

bool parse_dtype(const std::string& s, DType* out) {
  static const std::pair<const char*, DType> table[] = {
      {"F32", DType::F32}, {"F64", DType::F64}, {"F16", DType::F16}, {"BF16", DType::BF16},
      {"I32", DType::I32}, {"I64", DType::I64}, {"U8", DType::U8},   {"BOOL", DType::Bool},
      {"I8", DType::I8},   {"I16", DType::I16}, {"U16", DType::U16}, {"U32", DType::U32}, {"U64", DType::U64}};
  for (const auto& [name, dt] : table)
    if (s == name) {
      *out = dt;
      return true;
    }
  return false;
}

// ---- saving --------------------------------------------------------------------------------------------

// Removes the temporary file unless the save completed.
struct TempFile {
  std::string path;
  FILE* f = nullptr;
  bool committed = false;
  ~TempFile() {
    if (f) std::fclose(f);
    if (!committed) std::remove(path.c_str());
  }
};

void write_all(TempFile& tmp, const std::string& path, const void* data, size_t n) {
  if (n > 0 && std::fwrite(data, 1, n, tmp.f) != n)
    TFL_THROW(IoError, kSave, "'", path, "': write failed: ", std::strerror(errno));
}

}  // namespace

void save_safetensors(const std::string& path, const StateDict& tensors, const SafetensorsMetadata& metadata) {
  std::unordered_set<std::string> names;
  for (const auto& [name, t] : tensors) {
    if (!t.defined()) TFL_THROW(InvalidArgumentError, kSave, "tensor '", name, "' is undefined");
    if (name == kMetadataKey) TFL_THROW(InvalidArgumentError, kSave, "'", kMetadataKey, "' is reserved for metadata");
    if (!names.insert(name).second) TFL_THROW(InvalidArgumentError, kSave, "duplicate tensor name '", name, "'");
    if (t.device().type != DeviceType::CPU)
      TFL_THROW(DeviceError, kSave, "tensor '", name, "' is on ", t.device().str(), "; move it to the CPU first");
  }

  // Data order: decreasing item size (stable), so that every offset is a multiple of its item size and
  // the loader can map every tensor without a copy. The header keeps the caller's order.
  std::vector<size_t> order(tensors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tensors[a].second.itemsize() > tensors[b].second.itemsize(); });
  std::vector<uint64_t> begin(tensors.size());
  uint64_t pos = 0;
  for (size_t i : order) {
    begin[i] = pos;
    pos += static_cast<uint64_t>(tensors[i].second.numel()) * tensors[i].second.itemsize();
  }

  Json header = Json::object();
  if (!metadata.empty()) {
    Json meta = Json::object();
    for (const auto& [k, v] : metadata) meta[k] = v;
    header[kMetadataKey] = std::move(meta);
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i].second;
    Json shape = Json::array();
    for (int64_t d : t.shape()) shape.push_back(static_cast<uint64_t>(d));
    const uint64_t nbytes = static_cast<uint64_t>(t.numel()) * t.itemsize();
    header[tensors[i].first] = Json{{"dtype", safetensors_dtype(t.dtype())},
                                    {"shape", std::move(shape)},
                                    {"data_offsets", Json::array({begin[i], begin[i] + nbytes})}};
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {  // names or metadata that are not valid UTF-8
    TFL_THROW(InvalidArgumentError, kSave, "cannot encode the header: ", e.what());
  }
  // Pad so the data buffer starts 8-byte aligned in the file (and so in a page-aligned mapping).
  text.append((8 - text.size() % 8) % 8, ' ');

  uint8_t len_le[8];
  for (int i = 0; i < 8; ++i) len_le[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));

  TempFile tmp;
  tmp.path = path + ".tmp." + std::to_string(::getpid());
  tmp.f = std::fopen(tmp.path.c_str(), "wb");
  if (!tmp.f) TFL_THROW(IoError, kSave, "'", path, "': cannot create '", tmp.path, "': ", std::strerror(errno));
  write_all(tmp, path, len_le, sizeof len_le);
  write_all(tmp, path, text.data(), text.size());
  for (size_t i : order) {
    const Tensor& t = tensors[i].second;
    if (t.numel() == 0) continue;
    // Device tensors are written from a host copy.
    Tensor c = t.device().type == DeviceType::CPU ? contiguous(t) : to_device(t, Device{});
    write_all(tmp, path, c.data_ptr(), static_cast<size_t>(c.numel()) * c.itemsize());
  }
  const bool flushed = std::fflush(tmp.f) == 0;
  const int close_rc = std::fclose(tmp.f);
  tmp.f = nullptr;
  if (!flushed || close_rc != 0) TFL_THROW(IoError, kSave, "'", path, "': write failed: ", std::strerror(errno));
  if (std::rename(tmp.path.c_str(), path.c_str()) != 0)
    TFL_THROW(IoError, kSave, "'", path, "': cannot rename the temporary file into place: ", std::strerror(errno));
  tmp.committed = true;
}

// ---- loading -------------------------------------------------------------------------------------------

namespace {

std::atomic<int64_t> g_live_mappings{0};

// One mapped file, shared (refcounted) by every tensor that views it.
struct Mapping {
  void* addr = nullptr;
  size_t len = 0;
  Mapping(void* a, size_t n) : addr(a), len(n) { g_live_mappings.fetch_add(1, std::memory_order_relaxed); }
  ~Mapping() {
    ::munmap(addr, len);
    g_live_mappings.fetch_sub(1, std::memory_order_relaxed);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
};

// user_data of each zero-copy tensor: its own reference to the shared mapping.
void release_mapping(void*, void* user_data) { delete static_cast<std::shared_ptr<Mapping>*>(user_data); }

struct FileCloser {
  int fd;
  ~FileCloser() { ::close(fd); }
};

struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin, end;
};

// Thrown from inside the JSON parser callback; turned into a SerializationError with the file name.
struct HeaderProblem {
  std::string what;
};

// The bytes were read but do not decode: a SerializationError. System-call failures use fail_io.
[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  TFL_THROW(SerializationError, kLoad, "'", path, "': ", problem);
}

[[noreturn]] void fail_io(const std::string& path, const std::string& problem) {
  TFL_THROW(IoError, kLoad, "'", path, "': ", problem);
}

Json parse_header(const std::string& path, const char* text, size_t n) {
  // Rejects duplicate keys at any level (the JSON library would silently keep one) and deep nesting.
  std::vector<std::set<std::string>> keys;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth > kMaxJsonDepth) throw HeaderProblem{"the JSON header nests deeper than a safetensors header can"};
    if (event == Json::parse_event_t::object_start) {
      keys.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      keys.pop_back();
    } else if (event == Json::parse_event_t::key && !keys.empty()) {
      const std::string& k = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(k).second) throw HeaderProblem{"duplicate key '" + k + "' in the JSON header"};
    }
    return true;
  };
  try {
    return Json::parse(text, text + n, callback);
  } catch (const HeaderProblem& p) {
    fail(path, p.what);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("the header is not valid JSON: ") + e.what());
  }
}

uint64_t get_unsigned(const std::string& path, const std::string& name, const char* field, const Json& v) {
  if (!v.is_number_unsigned())
    fail(path, "tensor '" + name + "': " + field + " must hold non-negative integers, got " + v.dump());
  return v.get<uint64_t>();
}

Entry parse_entry(const std::string& path, const std::string& name, const Json& v, uint64_t buffer_bytes) {
  if (!v.is_object()) fail(path, "tensor '" + name + "': expected an object, got " + v.dump());
  Entry e;
  e.name = name;
  for (const auto& [k, _] : v.items())
    if (k != "dtype" && k != "shape" && k != "data_offsets")
      fail(path, "tensor '" + name + "': unknown field '" + k + "'");
  if (!v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
    fail(path, "tensor '" + name + "': needs the fields dtype, shape and data_offsets");
  const Json& dt = v.at("dtype");
  if (!dt.is_string()) fail(path, "tensor '" + name + "': dtype must be a string, got " + dt.dump());
  if (!parse_dtype(dt.get<std::string>(), &e.dtype))
    fail(path, "tensor '" + name + "': unsupported dtype '" + dt.get<std::string>() +
                   "' (supported: F32 F64 F16 BF16 I8 I16 I32 I64 U8 U16 U32 U64 BOOL)");
  const Json& shape = v.at("shape");
  if (!shape.is_array()) fail(path, "tensor '" + name + "': shape must be an array, got " + shape.dump());
  if (shape.size() > static_cast<size_t>(kMaxDims))
    fail(path, "tensor '" + name + "': shape has " + std::to_string(shape.size()) + " dimensions, more than " +
                   std::to_string(kMaxDims));
  // numel * itemsize in 128 bits: no overflow, whatever the header claims.
  constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
  unsigned __int128 nbytes = dtype_size(e.dtype);
  for (const Json& d : shape) {
    uint64_t s = get_unsigned(path, name, "shape", d);
    if (s > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail(path, "tensor '" + name + "': dimension " + std::to_string(s) + " is too large");
    e.shape.push_back(static_cast<int64_t>(s));
    nbytes *= s;
    if (nbytes > kU64Max) nbytes = static_cast<unsigned __int128>(kU64Max) + 1;  // saturate at 2^64: too big anyway
  }
  const Json& off = v.at("data_offsets");
  if (!off.is_array() || off.size() != 2)
    fail(path, "tensor '" + name + "': data_offsets must be [begin, end], got " + off.dump());
  e.begin = get_unsigned(path, name, "data_offsets", off[0]);
  e.end = get_unsigned(path, name, "data_offsets", off[1]);
  if (e.begin > e.end)
    fail(path, "tensor '" + name + "': data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                   "] end before they begin");
  if (e.end > buffer_bytes)
    fail(path, "tensor '" + name + "': data_offsets end at " + std::to_string(e.end) + ", beyond the " +
                   std::to_string(buffer_bytes) + "-byte data buffer");
  if (nbytes != e.end - e.begin)
    fail(path, "tensor '" + name + "': shape " + shape_str(e.shape) + " of " + dt.get<std::string>() + " needs " +
                   (nbytes > kU64Max ? std::string("2^64 bytes or more")
                                          : std::to_string(static_cast<uint64_t>(nbytes)) + " bytes") +
                   " but data_offsets span " + std::to_string(e.end - e.begin));
  return e;
}

// The tensors must tile [0, buffer_bytes) exactly.
void check_tiling(const std::string& path, std::vector<const Entry*> by_offset, uint64_t buffer_bytes) {
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t pos = 0;
  const Entry* prev = nullptr;
  for (const Entry* e : by_offset) {
    if (e->begin < pos)
      fail(path, "tensors '" + prev->name + "' and '" + e->name + "' overlap in the data buffer");
    if (e->begin > pos)
      fail(path, "bytes [" + std::to_string(pos) + ", " + std::to_string(e->begin) +
                     ") of the data buffer belong to no tensor");
    pos = e->end;
    prev = e;
  }
  if (pos != buffer_bytes)
    fail(path, std::to_string(buffer_bytes - pos) + " bytes after the last tensor belong to no tensor");
}

}  // namespace

SafetensorsFile load_safetensors(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_io(path, std::string("cannot open: ") + std::strerror(errno));
  FileCloser closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) fail_io(path, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) fail_io(path, "not a regular file");
  const uint64_t file_bytes = static_cast<uint64_t>(st.st_size);
  if (file_bytes < 8)
    fail(path, "the file has " + std::to_string(file_bytes) + " bytes, fewer than the 8-byte header length");

  // Private and writable: tensors over the mapping may be modified in place (copy-on-write, the file
  // never changes), which a read-only mapping would turn into a segfault.
  void* addr = ::mmap(nullptr, file_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (addr == MAP_FAILED) fail_io(path, std::string("cannot map: ") + std::strerror(errno));
  auto mapping = std::make_shared<Mapping>(addr, file_bytes);
  const auto* bytes = static_cast<const uint8_t*>(addr);

  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  if (n > file_bytes - 8)
    fail(path, "the header length " + std::to_string(n) + " exceeds the " + std::to_string(file_bytes - 8) +
                   " bytes that follow it (truncated file?)");
  if (n > kMaxHeaderBytes)
    fail(path, "the header length " + std::to_string(n) + " exceeds the format's limit of " +
                   std::to_string(kMaxHeaderBytes) + " bytes");
  if (n == 0 || bytes[8] != '{') fail(path, "the header does not start with '{'");
  const Json header = parse_header(path, reinterpret_cast<const char*>(bytes + 8), n);
  if (!header.is_object()) fail(path, "the header is not a JSON object");

  const uint64_t data_start = 8 + n;
  const uint64_t buffer_bytes = file_bytes - data_start;
  SafetensorsFile out;
  std::vector<Entry> entries;
  entries.reserve(header.size());
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      if (!value.is_object()) fail(path, "__metadata__ must be an object of strings, got " + value.dump());
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) fail(path, "__metadata__ value of '" + mk + "' must be a string, got " + mv.dump());
        out.metadata[mk] = mv.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(path, key, value, buffer_bytes));
  }
  std::vector<const Entry*> by_offset;
  for (const Entry& e : entries) by_offset.push_back(&e);
  check_tiling(path, std::move(by_offset), buffer_bytes);

  // bool must be 0 or 1: any other byte would be undefined behaviour when read as C++ bool.
  for (const Entry& e : entries)
    if (e.dtype == DType::Bool)
      for (uint64_t i = e.begin; i < e.end; ++i)
        if (bytes[data_start + i] > 1)
          fail(path, "tensor '" + e.name + "': BOOL byte " + std::to_string(bytes[data_start + i]) + " at element " +
                         std::to_string(i - e.begin) + " is neither 0 nor 1");

  out.tensors.reserve(entries.size());
  for (const Entry& e : entries) {
    const size_t nbytes = static_cast<size_t>(e.end - e.begin);
    uint8_t* data = static_cast<uint8_t*>(addr) + data_start + e.begin;
    Tensor t;
    if (nbytes == 0) {
      t = Tensor::empty(e.shape, e.dtype);
    } else if (reinterpret_cast<uintptr_t>(data) % dtype_size(e.dtype) == 0) {
      t = Tensor::from_external(data, e.shape, {}, e.dtype, release_mapping, new std::shared_ptr<Mapping>(mapping));
    } else {  // misaligned for the dtype (a file from another writer): copy
      t = Tensor::empty(e.shape, e.dtype);
      std::memcpy(t.data_ptr(), data, nbytes);
    }
    out.tensors.emplace_back(e.name, std::move(t));
  }
  return out;
}

int64_t safetensors_live_mappings() { return g_live_mappings.load(std::memory_order_relaxed); }

}  // namespace tfl
