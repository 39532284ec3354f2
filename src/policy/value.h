// Value: an immutable Rego value (OPA's ast.Value without vars and refs):
// null, boolean, number, string, array, object, set.
//
// Ownership and cost: a Value is 16 bytes. null, booleans, int64 numbers
// and strings of up to 14 bytes live inline (no allocation); everything else
// is one reference-counted heap cell, shared by copies, so copying is O(1)
// and never deep. Nothing is ever mutated after construction, so Values may
// be shared freely between threads (the counts are atomic, cached hashes are
// written with relaxed atomics).
//
// Order (OPA's v1/ast/compare.go): kinds first, null < boolean < number <
// string < array < object < set; then false < true, numbers by exact value,
// strings bytewise (Go's string order), arrays element by element with a
// shorter prefix first; objects pair by pair over their keys in order (key,
// then value), then the shorter first; sets element by element in order,
// then the shorter first. Equality agrees with the order (so 1 == 1.0, and
// [1] == [1.0]) and Hash() agrees with equality.
//
// Objects and sets are kept sorted in that order (keys may be any Value),
// which makes iteration and JSON output deterministic and lookups O(log n).
// Build them with Value::Object / Value::Set or the builders below, which
// sort and deduplicate; arrays keep their order.
#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/number.h"

namespace sluice::policy {

enum class Kind : uint8_t { kNull, kBoolean, kNumber, kString, kArray, kObject, kSet };

// OPA's type names ("null", "boolean", "number", "string", "array",
// "object", "set"), as in type_name() and type error messages.
std::string_view KindName(Kind kind);

struct ObjectEntry;

namespace internal {
// The header of every heap cell behind a Value; the bytes, elements or
// entries follow it in the same allocation.
struct ValueNode {
  mutable std::atomic<uint32_t> refs{1};
  size_t size = 0;                      // bytes of a string, elements otherwise
  mutable std::atomic<size_t> hash{0};  // 0 until computed
};
}  // namespace internal

class Value {
 public:
  // null.
  Value() noexcept { new (&boxed_) Boxed{kNullTag, nullptr}; }
  explicit Value(Number n) noexcept { new (&number_) Number(std::move(n)); }

  static Value Null() { return Value(); }
  static Value Boolean(bool b);
  static Value Int(int64_t v) { return Value(Number::FromInt(v)); }
  static Value String(std::string_view s);
  static Value Array(std::vector<Value> elems);
  // Sorted and deduplicated.
  static Value Set(std::vector<Value> elems);
  // Sorted by key; of entries with equal keys the last one given wins.
  static Value Object(std::vector<ObjectEntry> entries);

  Value(const Value& other) noexcept { CopyFrom(other); }
  Value(Value&& other) noexcept { MoveFrom(other); }
  Value& operator=(const Value& other) noexcept;
  // Elements of a Value are const, so `other` cannot live inside *this.
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      Destroy();
      MoveFrom(other);
    }
    return *this;
  }
  ~Value() { Destroy(); }

  Kind kind() const { return kKindOfTag[tag()]; }
  bool IsNull() const { return tag() == kNullTag; }
  bool IsBoolean() const { return tag() == kFalseTag || tag() == kTrueTag; }
  bool IsNumber() const { return tag() <= Number::kDecimalRep; }
  bool IsString() const { return tag() == kInlineStringTag || tag() == kHeapStringTag; }
  bool IsArray() const { return tag() == kArrayTag; }
  bool IsObject() const { return tag() == kObjectTag; }
  bool IsSet() const { return tag() == kSetTag; }
  // Arrays, objects and sets.
  bool IsCollection() const { return tag() >= kArrayTag; }

  // The payloads; each only for its kind.
  bool AsBool() const { return tag() == kTrueTag; }
  const Number& AsNumber() const { return number_; }
  std::string_view AsString() const {
    if (tag() == kInlineStringTag) return {inline_.chars, inline_.size};
    return {reinterpret_cast<const char*>(boxed_.node + 1), boxed_.node->size};
  }

  // Elements of an array, set or object (entries); 0 for anything else.
  size_t size() const { return IsCollection() && boxed_.node ? boxed_.node->size : 0; }
  std::span<const Value> ArrayElems() const { return Elems(kArrayTag); }
  // In ascending order.
  std::span<const Value> SetElems() const { return Elems(kSetTag); }
  // In ascending key order.
  std::span<const ObjectEntry> ObjectEntries() const;

  // The value under `key` in an object, nullptr when absent (or not an
  // object). O(log n).
  const Value* Find(const Value& key) const;
  const Value* Find(std::string_view key) const;
  // Set membership. O(log n).
  bool Contains(const Value& elem) const;
  // OPA's Term.Get, what a reference step does: an object's value for the
  // key, an array's element at an integer index (by value: 1.0 is 1), a
  // set's own element equal to `key`; nullptr otherwise.
  const Value* Get(const Value& key) const;

  size_t Hash() const;

  // Negative, zero or positive as a is before, equal to or after b.
  friend int Compare(const Value& a, const Value& b);
  friend bool operator==(const Value& a, const Value& b);
  friend std::weak_ordering operator<=>(const Value& a, const Value& b) {
    int c = Compare(a, b);
    return c < 0 ? std::weak_ordering::less
                 : (c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent);
  }

 private:
  friend class ValueAccess;

  // Tags 0..2 are Number's reps (the number_ member is active); the rest
  // belong to boxed_ (inline_ for short strings). Every union member starts
  // with the tag byte, so tag() may read it through boxed_ whichever member
  // is active (the common initial sequence of standard-layout members).
  enum Tag : uint8_t {
    kNullTag = 3,
    kFalseTag,
    kTrueTag,
    kInlineStringTag,
    kHeapStringTag,
    kArrayTag,
    kObjectTag,
    kSetTag,
  };
  static constexpr size_t kInlineCapacity = 14;
  static constexpr Kind kKindOfTag[] = {
      Kind::kNumber, Kind::kNumber, Kind::kNumber, Kind::kNull,   Kind::kBoolean, Kind::kBoolean,
      Kind::kString, Kind::kString, Kind::kArray,  Kind::kObject, Kind::kSet};

  struct Boxed {
    uint8_t tag;
    const internal::ValueNode* node;  // null for null, booleans and empty collections
  };
  struct Inline {
    uint8_t tag;
    uint8_t size;
    char chars[kInlineCapacity];
  };

  Value(uint8_t tag, const internal::ValueNode* node) noexcept { new (&boxed_) Boxed{tag, node}; }

  uint8_t tag() const { return boxed_.tag; }
  std::span<const Value> Elems(uint8_t want) const {
    if (tag() != want || boxed_.node == nullptr) return {};
    return {reinterpret_cast<const Value*>(boxed_.node + 1), boxed_.node->size};
  }
  void CopyFrom(const Value& other) noexcept {
    uint8_t t = other.tag();
    if (t <= Number::kDecimalRep) {
      new (&number_) Number(other.number_);
    } else if (t == kInlineStringTag) {
      new (&inline_) Inline(other.inline_);
    } else {
      new (&boxed_) Boxed(other.boxed_);
      if (boxed_.node != nullptr) boxed_.node->refs.fetch_add(1, std::memory_order_relaxed);
    }
  }
  void MoveFrom(Value& other) noexcept {
    uint8_t t = other.tag();
    if (t <= Number::kDecimalRep) {
      new (&number_) Number(std::move(other.number_));
      other.number_.~Number();
    } else if (t == kInlineStringTag) {
      new (&inline_) Inline(other.inline_);
    } else {
      new (&boxed_) Boxed(other.boxed_);
    }
    new (&other.boxed_) Boxed{kNullTag, nullptr};
  }
  void Destroy() noexcept {
    if (tag() <= Number::kDecimalRep) {
      number_.~Number();
    } else if (tag() >= kHeapStringTag && boxed_.node != nullptr) {
      Release();
    }
  }
  void Release() noexcept;
  static void FreeDead(uint8_t dead_tag, const internal::ValueNode* dead) noexcept;

  union {
    Number number_;
    Boxed boxed_;
    Inline inline_;
  };
};

static_assert(sizeof(Value) == 16);

struct ObjectEntry {
  Value key;
  Value value;
};

inline std::span<const ObjectEntry> Value::ObjectEntries() const {
  if (tag() != kObjectTag || boxed_.node == nullptr) return {};
  return {reinterpret_cast<const ObjectEntry*>(boxed_.node + 1), boxed_.node->size};
}

// For std::unordered_map / unordered_set keys.
struct ValueHash {
  size_t operator()(const Value& v) const { return v.Hash(); }
};

// Collects array elements in order.
class ArrayBuilder {
 public:
  void Reserve(size_t n) { elems_.reserve(n); }
  void Push(Value v) { elems_.push_back(std::move(v)); }
  size_t size() const { return elems_.size(); }
  Value Build() && { return Value::Array(std::move(elems_)); }

 private:
  std::vector<Value> elems_;
};

// Collects set elements in any order, duplicates allowed.
class SetBuilder {
 public:
  void Reserve(size_t n) { elems_.reserve(n); }
  void Push(Value v) { elems_.push_back(std::move(v)); }
  Value Build() && { return Value::Set(std::move(elems_)); }

 private:
  std::vector<Value> elems_;
};

// Collects object entries in any order; a key inserted again replaces the
// earlier value.
class ObjectBuilder {
 public:
  void Reserve(size_t n) { entries_.reserve(n); }
  void Insert(Value key, Value value) {
    entries_.push_back(ObjectEntry{std::move(key), std::move(value)});
  }
  Value Build() && { return Value::Object(std::move(entries_)); }

 private:
  std::vector<ObjectEntry> entries_;
};

// Rego's set operators on two sets (| & -), linear merges of the sorted
// elements. Both operands must be sets.
Value SetUnion(const Value& a, const Value& b);
Value SetIntersection(const Value& a, const Value& b);
Value SetDifference(const Value& a, const Value& b);

}  // namespace sluice::policy
