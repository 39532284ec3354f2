#include "policy/value.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>

#include "policy/value_access.h"

namespace sluice::policy {

using internal::ValueNode;

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
    case Kind::kSet:
      return "set";
  }
  return "unknown";
}

namespace {

template <typename T>
ValueNode* AllocNode(size_t n) {
  static_assert(alignof(T) <= alignof(ValueNode));
  void* memory = ::operator new(sizeof(ValueNode) + n * sizeof(T));
  auto* node = new (memory) ValueNode;
  node->size = n;
  return node;
}

template <typename T>
T* Items(ValueNode* node) {
  return reinterpret_cast<T*>(node + 1);
}

size_t Combine(size_t seed, size_t v) {
  seed ^= v + 0x9e3779b97f4a7c15ULL + (seed << 12) + (seed >> 4);
  return seed * 0xff51afd7ed558ccdULL;
}

// Distinct starting points so that [], {} and set() hash apart.
constexpr size_t kArraySalt = 0x51ed27052f1a6b91ULL;
constexpr size_t kObjectSalt = 0x2545f4914f6cdd1dULL;
constexpr size_t kSetSalt = 0x6a09e667f3bcc909ULL;

int Sign(int c) { return (c > 0) - (c < 0); }

int CompareSeq(std::span<const Value> a, std::span<const Value> b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = Compare(a[i], b[i]); c != 0) return c;
  }
  return (a.size() > b.size()) - (a.size() < b.size());
}

// How `v` orders against the string `s`.
int CompareToString(const Value& v, std::string_view s) {
  Kind k = v.kind();
  if (k != Kind::kString) return k < Kind::kString ? -1 : 1;
  return Sign(v.AsString().compare(s));
}

bool Less(const Value& a, const Value& b) { return Compare(a, b) < 0; }

}  // namespace

// --- construction ---------------------------------------------------------

Value ValueAccess::Sequence(uint8_t tag, std::vector<Value> elems) {
  if (elems.empty()) return Value(tag, nullptr);
  ValueNode* node = AllocNode<Value>(elems.size());
  Value* items = Items<Value>(node);
  for (size_t i = 0; i < elems.size(); ++i) new (&items[i]) Value(std::move(elems[i]));
  return Value(tag, node);
}

Value ValueAccess::SortedSet(std::vector<Value> sorted_unique) {
  return Sequence(Value::kSetTag, std::move(sorted_unique));
}

Value ValueAccess::SortedObject(std::vector<ObjectEntry> sorted_unique) {
  if (sorted_unique.empty()) return Value(Value::kObjectTag, nullptr);
  ValueNode* node = AllocNode<ObjectEntry>(sorted_unique.size());
  ObjectEntry* items = Items<ObjectEntry>(node);
  for (size_t i = 0; i < sorted_unique.size(); ++i) {
    new (&items[i]) ObjectEntry(std::move(sorted_unique[i]));
  }
  return Value(Value::kObjectTag, node);
}

Value Value::Boolean(bool b) { return Value(b ? kTrueTag : kFalseTag, nullptr); }

Value Value::String(std::string_view s) {
  if (s.size() <= kInlineCapacity) {
    Value v;
    new (&v.inline_) Inline{kInlineStringTag, static_cast<uint8_t>(s.size()), {}};
    if (!s.empty()) std::memcpy(v.inline_.chars, s.data(), s.size());
    return v;
  }
  ValueNode* node = AllocNode<char>(s.size());
  std::memcpy(Items<char>(node), s.data(), s.size());
  return Value(kHeapStringTag, node);
}

Value Value::Array(std::vector<Value> elems) {
  return ValueAccess::Sequence(kArrayTag, std::move(elems));
}

Value Value::Set(std::vector<Value> elems) {
  std::sort(elems.begin(), elems.end(), Less);
  elems.erase(std::unique(elems.begin(), elems.end()), elems.end());
  return ValueAccess::SortedSet(std::move(elems));
}

Value Value::Object(std::vector<ObjectEntry> entries) {
  auto key_less = [](const ObjectEntry& a, const ObjectEntry& b) { return Less(a.key, b.key); };
  if (!std::is_sorted(entries.begin(), entries.end(), key_less)) {
    if (entries.size() <= 16) {
      // Small objects (most JSON ones): a stable insertion sort, no buffer.
      for (size_t i = 1; i < entries.size(); ++i) {
        for (size_t j = i; j > 0 && key_less(entries[j], entries[j - 1]); --j) {
          std::swap(entries[j], entries[j - 1]);
        }
      }
    } else {
      std::stable_sort(entries.begin(), entries.end(), key_less);
    }
  }
  // Of a run of equal keys keep the last, the most recently inserted.
  size_t out = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + 1 < entries.size() && entries[i].key == entries[i + 1].key) continue;
    if (out != i) entries[out] = std::move(entries[i]);
    ++out;
  }
  entries.resize(out);
  return ValueAccess::SortedObject(std::move(entries));
}

// --- lifetime ---------------------------------------------------------------

Value& Value::operator=(const Value& other) noexcept {
  if (this != &other) {
    Value copy(other);  // other may live inside *this
    Destroy();
    MoveFrom(copy);
  }
  return *this;
}

void Value::Release() noexcept {
  const ValueNode* node = boxed_.node;
  if (node->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  FreeDead(tag(), node);
}

// Frees a cell whose count reached zero and every cell that dies with it,
// without recursion (a 10000-deep document must not need 10000 frames). The
// dead cells wait in a list linked through their hash field, their tag kept
// in the count; neither is read again by anyone.
void Value::FreeDead(uint8_t dead_tag, const ValueNode* dead) noexcept {
  auto push = [](uint8_t t, const ValueNode* n, const ValueNode* next) {
    n->refs.store(t, std::memory_order_relaxed);
    n->hash.store(reinterpret_cast<uintptr_t>(next), std::memory_order_relaxed);
  };
  push(dead_tag, dead, nullptr);
  const ValueNode* head = dead;
  while (head != nullptr) {
    const ValueNode* node = head;
    auto t = static_cast<uint8_t>(node->refs.load(std::memory_order_relaxed));
    // NOLINTNEXTLINE(performance-no-int-to-ptr): the pointer stored just above
    head = reinterpret_cast<const ValueNode*>(node->hash.load(std::memory_order_relaxed));
    // Destroys one item, queueing its cell instead of recursing into it.
    auto drop = [&head, &push](const Value& item) {
      auto& v = const_cast<Value&>(item);  // the items were built non-const
      uint8_t vt = v.tag();
      if (vt >= kArrayTag && v.boxed_.node != nullptr) {
        const ValueNode* child = v.boxed_.node;
        if (child->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          push(vt, child, head);
          head = child;
        }
        new (&v.boxed_) Boxed{kNullTag, nullptr};
      }
      v.~Value();
    };
    if (t == kArrayTag || t == kSetTag) {
      auto* items = reinterpret_cast<const Value*>(node + 1);
      for (size_t i = 0; i < node->size; ++i) drop(items[i]);
    } else if (t == kObjectTag) {
      auto* items = reinterpret_cast<const ObjectEntry*>(node + 1);
      for (size_t i = 0; i < node->size; ++i) {
        drop(items[i].key);
        drop(items[i].value);
      }
    }
    node->~ValueNode();
    ::operator delete(const_cast<ValueNode*>(node));
  }
}

// --- access -------------------------------------------------------------------

const Value* Value::Find(const Value& key) const {
  std::span<const ObjectEntry> entries = ObjectEntries();
  auto it = std::lower_bound(entries.begin(), entries.end(), key,
                             [](const ObjectEntry& e, const Value& k) { return Less(e.key, k); });
  if (it == entries.end() || !(it->key == key)) return nullptr;
  return &it->value;
}

const Value* Value::Find(std::string_view key) const {
  std::span<const ObjectEntry> entries = ObjectEntries();
  auto it = std::lower_bound(
      entries.begin(), entries.end(), key,
      [](const ObjectEntry& e, std::string_view k) { return CompareToString(e.key, k) < 0; });
  if (it == entries.end() || CompareToString(it->key, key) != 0) return nullptr;
  return &it->value;
}

bool Value::Contains(const Value& elem) const {
  std::span<const Value> elems = SetElems();
  return std::binary_search(elems.begin(), elems.end(), elem, Less);
}

const Value* Value::Get(const Value& key) const {
  switch (tag()) {
    case kObjectTag:
      return Find(key);
    case kArrayTag: {
      if (!key.IsNumber()) return nullptr;
      std::optional<int64_t> i = key.AsNumber().ToInt64();
      std::span<const Value> elems = ArrayElems();
      if (!i || *i < 0 || static_cast<uint64_t>(*i) >= elems.size()) return nullptr;
      return &elems[static_cast<size_t>(*i)];
    }
    case kSetTag: {
      std::span<const Value> elems = SetElems();
      auto it = std::lower_bound(elems.begin(), elems.end(), key, Less);
      if (it == elems.end() || !(*it == key)) return nullptr;
      return &*it;
    }
    default:
      return nullptr;
  }
}

// --- order, equality, hash -------------------------------------------------------

int Compare(const Value& a, const Value& b) {
  if (a.tag() == b.tag() && a.tag() >= Value::kHeapStringTag && a.boxed_.node == b.boxed_.node) {
    return 0;  // the same cell (or both empty)
  }
  Kind ka = a.kind();
  Kind kb = b.kind();
  if (ka != kb) return ka < kb ? -1 : 1;
  switch (ka) {
    case Kind::kNull:
      return 0;
    case Kind::kBoolean:
      return static_cast<int>(a.AsBool()) - static_cast<int>(b.AsBool());
    case Kind::kNumber:
      return Compare(a.AsNumber(), b.AsNumber());
    case Kind::kString:
      return Sign(a.AsString().compare(b.AsString()));
    case Kind::kArray:
      return CompareSeq(a.ArrayElems(), b.ArrayElems());
    case Kind::kSet:
      return CompareSeq(a.SetElems(), b.SetElems());
    case Kind::kObject: {
      std::span<const ObjectEntry> x = a.ObjectEntries();
      std::span<const ObjectEntry> y = b.ObjectEntries();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = Compare(x[i].key, y[i].key); c != 0) return c;
        if (int c = Compare(x[i].value, y[i].value); c != 0) return c;
      }
      return (x.size() > y.size()) - (x.size() < y.size());
    }
  }
  return 0;
}

bool operator==(const Value& a, const Value& b) {
  if (a.tag() == b.tag() && a.tag() >= Value::kHeapStringTag && a.boxed_.node == b.boxed_.node) {
    return true;
  }
  Kind k = a.kind();
  if (k != b.kind()) return false;
  switch (k) {
    case Kind::kNull:
      return true;
    case Kind::kBoolean:
      return a.AsBool() == b.AsBool();
    case Kind::kNumber:
      return a.AsNumber() == b.AsNumber();
    case Kind::kString:
      return a.AsString() == b.AsString();
    case Kind::kArray:
    case Kind::kSet: {
      std::span<const Value> x = a.IsArray() ? a.ArrayElems() : a.SetElems();
      std::span<const Value> y = b.IsArray() ? b.ArrayElems() : b.SetElems();
      return std::equal(x.begin(), x.end(), y.begin(), y.end());
    }
    case Kind::kObject: {
      std::span<const ObjectEntry> x = a.ObjectEntries();
      std::span<const ObjectEntry> y = b.ObjectEntries();
      return std::equal(x.begin(), x.end(), y.begin(), y.end(),
                        [](const ObjectEntry& p, const ObjectEntry& q) {
                          return p.key == q.key && p.value == q.value;
                        });
    }
  }
  return false;
}

size_t Value::Hash() const {
  switch (tag()) {
    case kNullTag:
      return 0x7f4a7c159e3779b9ULL;
    case kFalseTag:
      return 0x1b873593cc9e2d51ULL;
    case kTrueTag:
      return 0x85ebca6bc2b2ae35ULL;
    case kInlineStringTag:
      return std::hash<std::string_view>{}(AsString());
    default:
      break;
  }
  if (IsNumber()) return number_.Hash();
  const ValueNode* node = boxed_.node;
  if (node == nullptr) {
    return tag() == kArrayTag ? kArraySalt : (tag() == kSetTag ? kSetSalt : kObjectSalt);
  }
  size_t cached = node->hash.load(std::memory_order_relaxed);
  if (cached != 0) return cached;
  size_t h;
  switch (tag()) {
    case kHeapStringTag:
      h = std::hash<std::string_view>{}(AsString());
      break;
    case kObjectTag:
      h = kObjectSalt;
      for (const ObjectEntry& e : ObjectEntries()) {
        h = Combine(Combine(h, e.key.Hash()), e.value.Hash());
      }
      break;
    default:
      h = tag() == kArrayTag ? kArraySalt : kSetSalt;
      for (const Value& v : Elems(tag())) h = Combine(h, v.Hash());
      break;
  }
  if (h == 0) h = 1;  // 0 means "not computed"
  node->hash.store(h, std::memory_order_relaxed);
  return h;
}

// --- set algebra --------------------------------------------------------------------

Value SetUnion(const Value& a, const Value& b) {
  assert(a.IsSet() && b.IsSet());
  if (b.size() == 0) return a;
  if (a.size() == 0) return b;
  std::vector<Value> out;
  out.reserve(a.size() + b.size());
  std::span<const Value> x = a.SetElems();
  std::span<const Value> y = b.SetElems();
  std::set_union(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out), Less);
  return ValueAccess::SortedSet(std::move(out));
}

Value SetIntersection(const Value& a, const Value& b) {
  assert(a.IsSet() && b.IsSet());
  std::vector<Value> out;
  std::span<const Value> x = a.SetElems();
  std::span<const Value> y = b.SetElems();
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out), Less);
  if (out.size() == a.size()) return a;
  return ValueAccess::SortedSet(std::move(out));
}

Value SetDifference(const Value& a, const Value& b) {
  assert(a.IsSet() && b.IsSet());
  if (b.size() == 0) return a;
  std::vector<Value> out;
  std::span<const Value> x = a.SetElems();
  std::span<const Value> y = b.SetElems();
  std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(out), Less);
  if (out.size() == a.size()) return a;
  return ValueAccess::SortedSet(std::move(out));
}

}  // namespace sluice::policy
