#include "format/tensor_encoding.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string>

#include "core/bitpack.h"
#include "core/error.h"

namespace trit::format {
namespace {

[[noreturn]] void Corrupt(const std::string& what) {
  throw Error(ErrorCode::kFormat, "encoded tensor: " + what);
}

// Width in bits of one element code in the plain form.
int CodeBits(DType type) { return BitsPerElement(type); }

uint32_t ReadCode(DType type, std::span<const uint8_t> plain, int64_t i) {
  const int bits = CodeBits(type);
  if (bits < 8) return PackedCode(plain.data(), bits, i);
  if (bits == 8) return plain[static_cast<size_t>(i)];
  uint32_t word;
  std::memcpy(&word, plain.data() + static_cast<size_t>(i) * 4, 4);
  return word;
}

void WriteCode(DType type, std::vector<uint8_t>& plain, int64_t i, uint32_t code) {
  const int bits = CodeBits(type);
  if (bits < 8) {
    const int64_t bit = i * bits;
    plain[static_cast<size_t>(bit >> 3)] |= static_cast<uint8_t>(code << (bit & 7));
  } else if (bits == 8) {
    plain[static_cast<size_t>(i)] = static_cast<uint8_t>(code);
  } else {
    std::memcpy(plain.data() + static_cast<size_t>(i) * 4, &code, 4);
  }
}

// Bits a non-zero element needs: a ternary non-zero is just its sign.
int PayloadBits(DType type) { return type == DType::kTernary ? 1 : CodeBits(type); }
uint32_t ToPayload(DType type, uint32_t code) {
  return type == DType::kTernary ? (code == 3u ? 1u : 0u) : code;
}
uint32_t FromPayload(DType type, uint32_t payload) {
  return type == DType::kTernary ? (payload ? 3u : 1u) : payload;
}

bool HasZero(DType type) { return type != DType::kBinary; }

class BitWriter {
 public:
  void Put(uint32_t value, int bits) {
    for (int b = 0; b < bits; ++b) {
      if (bit_ % 8 == 0) bytes_.push_back(0);
      bytes_.back() |= static_cast<uint8_t>(((value >> b) & 1u) << (bit_ % 8));
      ++bit_;
    }
  }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t bit_ = 0;
};

class BitReader {
 public:
  BitReader(std::span<const uint8_t> bytes, size_t bit_offset = 0)
      : bytes_(bytes), bit_(bit_offset) {}
  uint32_t Get(int bits) {
    if (bit_ + static_cast<uint64_t>(bits) > bytes_.size() * 8) Corrupt("truncated");
    uint32_t value = 0;
    for (int b = 0; b < bits; ++b, ++bit_) {
      value |= static_cast<uint32_t>((bytes_[bit_ >> 3] >> (bit_ & 7)) & 1u) << b;
    }
    return value;
  }
  uint64_t bytes_used() const { return (bit_ + 7) / 8; }

 private:
  std::span<const uint8_t> bytes_;
  uint64_t bit_;
};

// Resize and copy rather than insert: GCC 12 warns falsely (-Warray-bounds) on the inlined
// vector::insert here.
void Append(std::vector<uint8_t>& out, const std::vector<uint8_t>& more) {
  const size_t start = out.size();
  out.resize(start + more.size());
  std::copy(more.begin(), more.end(), out.data() + start);
}

// --- sparse: bitmap ---------------------------------------------------------------------------

std::vector<uint8_t> EncodeBitmap(DType type, int64_t count, std::span<const uint8_t> plain) {
  BitWriter mask, payload;
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t code = ReadCode(type, plain, i);
    mask.Put(code != 0, 1);
    if (code != 0) payload.Put(ToPayload(type, code), PayloadBits(type));
  }
  std::vector<uint8_t> out = std::move(mask.bytes());
  out.resize(static_cast<size_t>((count + 7) / 8), 0);
  Append(out, payload.bytes());
  return out;
}

void DecodeBitmap(DType type, int64_t count, std::span<const uint8_t> stored,
                  std::vector<uint8_t>& plain) {
  const size_t mask_bytes = static_cast<size_t>((count + 7) / 8);
  if (stored.size() < mask_bytes) Corrupt("truncated bitmap");
  BitReader mask(stored.first(mask_bytes));
  BitReader payload(stored.subspan(mask_bytes));
  for (int64_t i = 0; i < count; ++i) {
    if (mask.Get(1)) {
      const uint32_t code = FromPayload(type, payload.Get(PayloadBits(type)));
      if (code == 0) Corrupt("bitmap marks a zero element as non-zero");
      WriteCode(type, plain, i, code);
    }
  }
  if (mask_bytes + payload.bytes_used() != stored.size()) Corrupt("trailing bytes after bitmap");
}

// --- sparse: delta-coded positions ------------------------------------------------------------
// [gap bits b: 1 byte][non-zero count: 4 bytes LE][gaps][payload]. A gap code g < 2^b - 1
// skips g zeros and places the next non-zero; g = 2^b - 1 skips 2^b - 1 zeros only.

// The gaps' lengths, counted: choosing the gap width walks the distinct lengths (a few thousand
// at most in practice) per candidate width, not every gap (tens of millions in an AlexNet layer).
std::map<int64_t, uint64_t> GapHistogram(const std::vector<int64_t>& gaps) {
  std::vector<uint64_t> small(4096, 0);
  std::map<int64_t, uint64_t> histogram;
  for (const int64_t gap : gaps) {
    if (gap < static_cast<int64_t>(small.size())) {
      ++small[static_cast<size_t>(gap)];
    } else {
      ++histogram[gap];
    }
  }
  for (size_t gap = 0; gap < small.size(); ++gap) {
    if (small[gap]) histogram[static_cast<int64_t>(gap)] = small[gap];
  }
  return histogram;
}

uint64_t DeltaGapBits(int bits, const std::map<int64_t, uint64_t>& histogram) {
  const int64_t escape = (int64_t{1} << bits) - 1;
  uint64_t total = 0;
  for (const auto& [gap, count] : histogram) {
    total += count * static_cast<uint64_t>(gap / escape + 1) * static_cast<uint64_t>(bits);
  }
  return total;
}

std::vector<uint8_t> EncodeDelta(DType type, int64_t count, std::span<const uint8_t> plain) {
  std::vector<int64_t> gaps;
  std::vector<uint32_t> nonzero;
  int64_t last = -1;
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t code = ReadCode(type, plain, i);
    if (code == 0) continue;
    gaps.push_back(i - last - 1);
    nonzero.push_back(code);
    last = i;
  }
  if (nonzero.size() > 0xFFFFFFFFu) throw Error(ErrorCode::kUnsupported, "tensor too large");
  const std::map<int64_t, uint64_t> histogram = GapHistogram(gaps);
  int best_bits = 1;
  uint64_t best_total = DeltaGapBits(1, histogram);
  for (int bits = 2; bits <= 16; ++bits) {
    const uint64_t total = DeltaGapBits(bits, histogram);
    if (total < best_total) {
      best_bits = bits;
      best_total = total;
    }
  }
  const int64_t escape = (int64_t{1} << best_bits) - 1;
  BitWriter positions, payload;
  for (size_t k = 0; k < gaps.size(); ++k) {
    int64_t gap = gaps[k];
    while (gap >= escape) {
      positions.Put(static_cast<uint32_t>(escape), best_bits);
      gap -= escape;
    }
    positions.Put(static_cast<uint32_t>(gap), best_bits);
    payload.Put(ToPayload(type, nonzero[k]), PayloadBits(type));
  }
  std::vector<uint8_t> out(5);
  out[0] = static_cast<uint8_t>(best_bits);
  const uint32_t n = static_cast<uint32_t>(nonzero.size());
  std::memcpy(out.data() + 1, &n, 4);
  Append(out, positions.bytes());
  Append(out, payload.bytes());
  return out;
}

void DecodeDelta(DType type, int64_t count, std::span<const uint8_t> stored,
                 std::vector<uint8_t>& plain) {
  if (stored.size() < 5) Corrupt("truncated delta header");
  const int bits = stored[0];
  if (bits < 1 || bits > 16) Corrupt("bad gap width");
  uint32_t n;
  std::memcpy(&n, stored.data() + 1, 4);
  if (n > static_cast<uint64_t>(count)) Corrupt("more non-zero elements than elements");
  const uint32_t escape = (1u << bits) - 1;
  BitReader positions(stored.subspan(5));
  std::vector<int64_t> where(n);
  int64_t next = 0;
  for (uint32_t k = 0; k < n; ++k) {
    uint32_t gap;
    while ((gap = positions.Get(bits)) == escape) {
      next += escape;
      if (next >= count) Corrupt("position out of range");
    }
    next += gap;
    if (next >= count) Corrupt("position out of range");
    where[k] = next++;
  }
  const uint64_t position_bytes = positions.bytes_used();
  BitReader payload(stored.subspan(5 + position_bytes));
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t code = FromPayload(type, payload.Get(PayloadBits(type)));
    if (code == 0) Corrupt("zero stored as a non-zero element");
    WriteCode(type, plain, where[k], code);
  }
  if (5 + position_bytes + payload.bytes_used() != stored.size()) {
    Corrupt("trailing bytes after sparse data");
  }
}

// --- entropy: rANS over element codes ---------------------------------------------------------
// [frequency of each code: 2 bytes LE, alphabet 2^bits][state: 4 bytes BE][renormalisation bytes]
// Frequencies sum to 2^12; the decoder must end with every byte used and the initial state.

constexpr uint32_t kProbBits = 12;
constexpr uint32_t kProbScale = 1u << kProbBits;
constexpr uint32_t kRansLow = 1u << 23;

bool Entropyable(DType type) { return CodeBits(type) <= 8; }
size_t Alphabet(DType type) { return size_t{1} << CodeBits(type); }

std::vector<uint32_t> NormalizedFrequencies(const std::vector<uint64_t>& counts, int64_t total) {
  std::vector<uint32_t> freq(counts.size(), 0);
  int64_t sum = 0;
  size_t largest = 0;
  for (size_t s = 0; s < counts.size(); ++s) {
    if (counts[s] == 0) continue;
    freq[s] = std::max<uint32_t>(
        1, static_cast<uint32_t>(static_cast<double>(counts[s]) * kProbScale / total + 0.5));
    sum += freq[s];
    if (counts[s] > counts[largest] || counts[largest] == 0) largest = s;
  }
  // Fix the total on the most frequent symbols, never below 1.
  while (sum != kProbScale) {
    size_t pick = largest;
    if (sum > kProbScale) {
      for (size_t s = 0; s < freq.size(); ++s) {
        if (freq[s] > freq[pick]) pick = s;
      }
      const uint32_t cut =
          std::min<uint32_t>(freq[pick] - 1, static_cast<uint32_t>(sum - kProbScale));
      freq[pick] -= cut;
      sum -= cut;
    } else {
      freq[pick] += static_cast<uint32_t>(kProbScale - sum);
      sum = kProbScale;
    }
  }
  return freq;
}

std::vector<uint8_t> EncodeEntropy(DType type, int64_t count, std::span<const uint8_t> plain) {
  const size_t alphabet = Alphabet(type);
  std::vector<uint64_t> counts(alphabet, 0);
  std::vector<uint32_t> codes(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    codes[static_cast<size_t>(i)] = ReadCode(type, plain, i);
    counts[codes[static_cast<size_t>(i)]]++;
  }
  std::vector<uint8_t> out(alphabet * 2);
  if (count == 0) return out;
  const std::vector<uint32_t> freq = NormalizedFrequencies(counts, count);
  std::vector<uint32_t> cum(alphabet + 1, 0);
  for (size_t s = 0; s < alphabet; ++s) {
    cum[s + 1] = cum[s] + freq[s];
    out[2 * s] = static_cast<uint8_t>(freq[s]);
    out[2 * s + 1] = static_cast<uint8_t>(freq[s] >> 8);
  }
  std::vector<uint8_t> emitted;  // in encoding order; the stream is this reversed
  uint32_t x = kRansLow;
  for (int64_t i = count - 1; i >= 0; --i) {
    const uint32_t s = codes[static_cast<size_t>(i)];
    const uint32_t x_max = ((kRansLow >> kProbBits) << 8) * freq[s];
    while (x >= x_max) {
      emitted.push_back(static_cast<uint8_t>(x));
      x >>= 8;
    }
    x = ((x / freq[s]) << kProbBits) + (x % freq[s]) + cum[s];
  }
  for (int b = 0; b < 4; ++b) emitted.push_back(static_cast<uint8_t>(x >> (8 * b)));
  out.insert(out.end(), emitted.rbegin(), emitted.rend());
  return out;
}

void DecodeEntropy(DType type, int64_t count, std::span<const uint8_t> stored,
                   std::vector<uint8_t>& plain) {
  const size_t alphabet = Alphabet(type);
  if (stored.size() < alphabet * 2) Corrupt("truncated frequency table");
  std::vector<uint32_t> freq(alphabet), cum(alphabet + 1, 0);
  for (size_t s = 0; s < alphabet; ++s) {
    freq[s] = stored[2 * s] | (uint32_t{stored[2 * s + 1]} << 8);
    cum[s + 1] = cum[s] + freq[s];
  }
  if (count == 0) {
    if (stored.size() != alphabet * 2) Corrupt("trailing bytes");
    return;
  }
  if (cum[alphabet] != kProbScale) Corrupt("frequencies do not sum to 4096");
  if (type == DType::kTernary && freq[2] != 0) Corrupt("invalid ternary code");
  std::vector<uint16_t> symbol_of(kProbScale);
  for (size_t s = 0; s < alphabet; ++s) {
    for (uint32_t k = cum[s]; k < cum[s + 1]; ++k) symbol_of[k] = static_cast<uint16_t>(s);
  }
  size_t pos = alphabet * 2;
  if (stored.size() < pos + 4) Corrupt("truncated state");
  uint32_t x = 0;
  for (int b = 0; b < 4; ++b) x = (x << 8) | stored[pos++];
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t slot = x & (kProbScale - 1);
    const uint32_t s = symbol_of[slot];
    x = freq[s] * (x >> kProbBits) + slot - cum[s];
    while (x < kRansLow) {
      if (pos >= stored.size()) Corrupt("truncated entropy-coded data");
      x = (x << 8) | stored[pos++];
    }
    WriteCode(type, plain, i, s);
  }
  if (pos != stored.size() || x != kRansLow) Corrupt("entropy-coded data does not check out");
}

}  // namespace

std::vector<uint8_t> EncodeTensor(Encoding encoding, DType type, int64_t count,
                                  std::span<const uint8_t> plain) {
  if (plain.size() != StorageBytes(type, count)) {
    throw Error(ErrorCode::kInternal, "tensor bytes do not match its shape");
  }
  switch (encoding) {
    case Encoding::kDense:
    case Encoding::kBitPacked:
      if ((encoding == Encoding::kBitPacked) != IsPacked(type)) break;
      return std::vector<uint8_t>(plain.begin(), plain.end());
    case Encoding::kSparseBitmap:
      if (!HasZero(type)) break;
      return EncodeBitmap(type, count, plain);
    case Encoding::kSparseDelta:
      if (!HasZero(type)) break;
      return EncodeDelta(type, count, plain);
    case Encoding::kEntropy:
      if (!Entropyable(type)) break;
      return EncodeEntropy(type, count, plain);
    case Encoding::kNone:
      break;
  }
  throw Error(ErrorCode::kUnsupported, std::string("encoding ") + EncodingName(encoding) +
                                           " does not apply to " + std::string(DTypeName(type)));
}

Encoding SmallestEncoding(DType type, int64_t count, std::span<const uint8_t> plain,
                          uint64_t* stored_bytes) {
  Encoding best = PlainEncoding(type);
  uint64_t best_bytes = plain.size();
  for (const Encoding e : {Encoding::kSparseBitmap, Encoding::kSparseDelta, Encoding::kEntropy}) {
    if ((e == Encoding::kEntropy && !Entropyable(type)) ||
        (e != Encoding::kEntropy && !HasZero(type))) {
      continue;
    }
    const uint64_t bytes = EncodeTensor(e, type, count, plain).size();
    if (bytes < best_bytes) {
      best = e;
      best_bytes = bytes;
    }
  }
  if (stored_bytes) *stored_bytes = best_bytes;
  return best;
}

std::vector<uint8_t> DecodeTensor(Encoding encoding, DType type, int64_t count,
                                  std::span<const uint8_t> stored) {
  // Decoded tensors live on the heap: refuse sizes no model has before allocating them.
  if (count < 0 || StorageBytes(type, count) > (uint64_t{1} << 33)) Corrupt("tensor too large");
  std::vector<uint8_t> plain(StorageBytes(type, count), 0);
  // Code 2 is no ternary level (core/bitpack.h); a stream that decodes to it is corrupt.
  auto checked = [&](std::vector<uint8_t>& bytes) {
    if (type == DType::kTernary) {
      for (int64_t i = 0; i < count; ++i) {
        if (PackedCode(bytes.data(), 2, i) == 2u) Corrupt("invalid ternary code");
      }
    }
    return std::move(bytes);
  };
  switch (encoding) {
    case Encoding::kSparseBitmap:
      if (!HasZero(type)) break;
      DecodeBitmap(type, count, stored, plain);
      return checked(plain);
    case Encoding::kSparseDelta:
      if (!HasZero(type)) break;
      DecodeDelta(type, count, stored, plain);
      return checked(plain);
    case Encoding::kEntropy:
      if (!Entropyable(type)) break;
      DecodeEntropy(type, count, stored, plain);
      return checked(plain);
    case Encoding::kDense:
    case Encoding::kBitPacked:
      if (stored.size() != plain.size()) Corrupt("wrong size");
      std::ranges::copy(stored, plain.begin());
      return checked(plain);
    case Encoding::kNone:
      break;
  }
  Corrupt(std::string("encoding ") + EncodingName(encoding) + " does not apply to " +
          std::string(DTypeName(type)));
}

}  // namespace trit::format
