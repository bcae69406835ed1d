// NumPy .npy reading and writing. Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include "core/data/npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ops/copy.h"

namespace tfl::data {
namespace {

constexpr const char* kLoad = "load_npy";
constexpr const char* kSave = "save_npy";
constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kMaxHeaderBytes = 1 << 20;  // numpy itself refuses headers above 10 KB by default

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

[[noreturn]] void malformed(const std::string& path, const std::string& problem) {
  TFL_THROW(DataLoadingError, kLoad, "'", path, "': ", problem);
}

// The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// This reads exactly that grammar (strings, True/False, tuples of non-negative integers).
class HeaderParser {
 public:
  HeaderParser(const std::string& path, const std::string& text) : path_(path), s_(text) {}

  void parse(std::string* descr, bool* fortran, Shape* shape) {
    bool has_descr = false, has_fortran = false, has_shape = false;
    expect('{');
    while (true) {
      skip_ws();
      if (peek() == '}') break;
      std::string key = string_literal();
      expect(':');
      skip_ws();
      if (key == "descr") {
        if (peek() != '\'' && peek() != '"')
          malformed(path_, "descr is not a string (structured dtypes are not supported)");
        *descr = string_literal();
        has_descr = true;
      } else if (key == "fortran_order") {
        *fortran = boolean();
        has_fortran = true;
      } else if (key == "shape") {
        *shape = tuple();
        has_shape = true;
      } else {
        malformed(path_, "unknown header key '" + key + "'");
      }
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skip_ws();
      if (peek() != '}') malformed(path_, "expected ',' or '}' in the header at byte " + std::to_string(i_));
    }
    if (!has_descr || !has_fortran || !has_shape)
      malformed(path_, "the header needs the keys 'descr', 'fortran_order' and 'shape'");
  }

 private:
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c)
      malformed(path_, std::string("expected '") + c + "' in the header at byte " + std::to_string(i_));
    ++i_;
  }
  std::string string_literal() {
    skip_ws();
    const char q = peek();
    if (q != '\'' && q != '"') malformed(path_, "expected a string in the header at byte " + std::to_string(i_));
    const size_t end = s_.find(q, i_ + 1);
    if (end == std::string::npos) malformed(path_, "unterminated string in the header");
    std::string r = s_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return r;
  }
  bool boolean() {
    if (s_.compare(i_, 4, "True") == 0) {
      i_ += 4;
      return true;
    }
    if (s_.compare(i_, 5, "False") == 0) {
      i_ += 5;
      return false;
    }
    malformed(path_, "fortran_order must be True or False");
  }
  Shape tuple() {
    expect('(');
    Shape shape;
    while (true) {
      skip_ws();
      if (peek() == ')') {
        ++i_;
        return shape;
      }
      if (peek() < '0' || peek() > '9') malformed(path_, "shape must be a tuple of non-negative integers");
      int64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (v > (INT64_MAX - 9) / 10) malformed(path_, "a shape dimension is too large");
        v = v * 10 + (peek() - '0');
        ++i_;
      }
      if (shape.size() == kMaxDims) malformed(path_, "shape has more than " + std::to_string(kMaxDims) + " dimensions");
      shape.push_back(v);
      skip_ws();
      if (peek() == ',') ++i_;
      else if (peek() != ')') malformed(path_, "shape must be a tuple of non-negative integers");
    }
  }

  const std::string& path_;
  const std::string& s_;
  size_t i_ = 0;
};

// descr -> dtype. '<' little-endian, '|' no byte order (1-byte types), '=' native (little on every
// platform this library builds for).
bool parse_descr(const std::string& d, DType* out, std::string* why) {
  if (d.size() < 3) {
    *why = "descr '" + d + "' is not a simple dtype";
    return false;
  }
  const char order = d[0];
  const std::string code = d.substr(1);
  if (order == '>' && code != "u1" && code != "b1" && code != "i1") {
    *why = "descr '" + d + "' is big-endian; only little-endian data is supported";
    return false;
  }
  if (order != '<' && order != '|' && order != '=' && order != '>') {
    *why = "descr '" + d + "' has no byte-order character";
    return false;
  }
  static const struct {
    const char* code;
    DType dtype;
  } kTable[] = {{"f2", DType::F16}, {"f4", DType::F32}, {"f8", DType::F64}, {"i4", DType::I32},
                {"i8", DType::I64}, {"u1", DType::U8},  {"b1", DType::Bool}};
  for (const auto& e : kTable)
    if (code == e.code) {
      *out = e.dtype;
      return true;
    }
  *why = "descr '" + d + "' has no tenflowers dtype (supported: <f2 <f4 <f8 <i4 <i8 |u1 |b1)";
  return false;
}

const char* descr_of(DType dt) {
  switch (dt) {
    case DType::F16: return "<f2";
    case DType::F32: return "<f4";
    case DType::F64: return "<f8";
    case DType::I32: return "<i4";
    case DType::I64: return "<i8";
    case DType::U8: return "|u1";
    case DType::Bool: return "|b1";
    default: return nullptr;
  }
}

}  // namespace

Tensor load_npy(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) TFL_THROW(IoError, kLoad, "'", path, "': cannot open: ", std::strerror(errno));
  unsigned char pre[12];
  const size_t got = std::fread(pre, 1, 10, f.get());
  if (got < 10) malformed(path, "the file has " + std::to_string(got) + " bytes, too few for the .npy preamble");
  if (std::memcmp(pre, kMagic, kMagicLen) != 0) malformed(path, "not a .npy file (bad magic string)");
  const int major = pre[6];
  size_t header_len = 0;
  if (major == 1) {
    header_len = pre[8] | (static_cast<size_t>(pre[9]) << 8);
  } else if (major == 2 || major == 3) {
    if (std::fread(pre + 10, 1, 2, f.get()) != 2) malformed(path, "the file ends inside the header length");
    header_len = pre[8] | (static_cast<size_t>(pre[9]) << 8) | (static_cast<size_t>(pre[10]) << 16) |
                 (static_cast<size_t>(pre[11]) << 24);
  } else {
    malformed(path, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(pre[7]));
  }
  if (header_len > kMaxHeaderBytes) malformed(path, "the header length " + std::to_string(header_len) + " is too large");
  std::string header(header_len, '\0');
  if (std::fread(&header[0], 1, header_len, f.get()) != header_len)
    malformed(path, "the file ends inside the " + std::to_string(header_len) + "-byte header (truncated?)");
  std::string descr;
  bool fortran = false;
  Shape shape;
  HeaderParser(path, header).parse(&descr, &fortran, &shape);
  DType dtype = DType::F32;
  std::string why;
  if (!parse_descr(descr, &dtype, &why)) malformed(path, why);
  if (fortran) malformed(path, "fortran_order True (column-major) arrays are not supported; save a C-ordered array");

  // numel * itemsize in 128 bits: no overflow whatever the header claims.
  unsigned __int128 need = dtype_size(dtype);
  for (int i = 0; i < shape.size(); ++i) {
    need *= static_cast<uint64_t>(shape[i]);
    if (need > (static_cast<unsigned __int128>(1) << 62)) malformed(path, "shape " + shape_str(shape) + " is too large");
  }
  Tensor t = Tensor::empty(shape, dtype);
  const size_t nbytes = static_cast<size_t>(need);
  if (nbytes > 0) {
    const size_t n = std::fread(t.data_ptr(), 1, nbytes, f.get());
    if (n != nbytes) {
      if (std::ferror(f.get())) TFL_THROW(IoError, kLoad, "'", path, "': read failed: ", std::strerror(errno));
      malformed(path, "the data holds " + std::to_string(n) + " bytes but shape " + shape_str(shape) + " of " +
                          descr + " needs " + std::to_string(nbytes) + " (truncated file?)");
    }
  }
  if (dtype == DType::Bool) {
    const auto* b = static_cast<const uint8_t*>(t.data_ptr());
    for (size_t i = 0; i < nbytes; ++i)
      if (b[i] > 1) malformed(path, "bool byte " + std::to_string(b[i]) + " at element " + std::to_string(i) + " is neither 0 nor 1");
  }
  return t;
}

void save_npy(const std::string& path, const Tensor& t) {
  check_defined(t, kSave, "t");
  const char* descr = descr_of(t.dtype());
  if (descr == nullptr) TFL_THROW(DTypeError, kSave, dtype_name(t.dtype()), " has no NumPy dtype");
  if (t.device().type != DeviceType::CPU)
    TFL_THROW(DeviceError, kSave, "the tensor is on ", t.device().str(), "; move it to the CPU first");
  Tensor c = contiguous(t);
  std::string shape = "(";
  for (int i = 0; i < c.ndim(); ++i) shape += std::to_string(c.shape()[i]) + (c.ndim() == 1 ? ",)" : i + 1 < c.ndim() ? ", " : ")");
  if (c.ndim() == 0) shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 65535) TFL_THROW(InvalidArgumentError, kSave, "the header is too long for format 1.0");
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) TFL_THROW(IoError, kSave, "'", path, "': cannot create: ", std::strerror(errno));
  const unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<unsigned char>(header.size() & 0xff),
                                 static_cast<unsigned char>(header.size() >> 8)};
  const size_t nbytes = static_cast<size_t>(c.numel()) * c.itemsize();
  bool ok = std::fwrite(pre, 1, 10, f.get()) == 10 && std::fwrite(header.data(), 1, header.size(), f.get()) == header.size();
  if (ok && nbytes > 0) ok = std::fwrite(c.data_ptr(), 1, nbytes, f.get()) == nbytes;
  ok = std::fflush(f.get()) == 0 && ok;
  if (!ok) TFL_THROW(IoError, kSave, "'", path, "': write failed: ", std::strerror(errno));
}

}  // namespace tfl::data
