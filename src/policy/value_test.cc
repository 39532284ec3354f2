#include "policy/value.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace sluice::policy {
namespace {

Value Num(std::string_view text) { return Value(Number::Parse(text).value()); }
Value Str(std::string_view s) { return Value::String(s); }
Value Arr(std::vector<Value> v) { return Value::Array(std::move(v)); }
Value SetOf(std::vector<Value> v) { return Value::Set(std::move(v)); }
Value Obj(std::vector<ObjectEntry> e) { return Value::Object(std::move(e)); }

int Sgn(int c) { return (c > 0) - (c < 0); }

// Checks that `ascending` is strictly increasing and that Compare, ==,
// <=> and Hash agree on every pair.
void ExpectStrictlyAscending(const std::vector<Value>& ascending) {
  for (size_t i = 0; i < ascending.size(); ++i) {
    for (size_t j = 0; j < ascending.size(); ++j) {
      int want = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(Sgn(Compare(ascending[i], ascending[j])), want) << i << " vs " << j;
      EXPECT_EQ(ascending[i] == ascending[j], i == j) << i << " vs " << j;
      EXPECT_EQ(ascending[i] < ascending[j], i < j) << i << " vs " << j;
    }
  }
}

TEST(ValueTest, IsSixteenBytesAndScalarsDoNotAllocate) {
  EXPECT_EQ(sizeof(Value), 16u);
  EXPECT_TRUE(Value().IsNull());
  EXPECT_EQ(Value::Boolean(true).kind(), Kind::kBoolean);
  EXPECT_TRUE(Value::Boolean(true).AsBool());
  EXPECT_FALSE(Value::Boolean(false).AsBool());
  EXPECT_EQ(Value::Int(42).AsNumber().int64(), 42);
  EXPECT_EQ(Str("fourteen bytes").AsString(), "fourteen bytes");
  EXPECT_EQ(Str("a string of more than fourteen bytes").AsString(),
            "a string of more than fourteen bytes");
  EXPECT_EQ(Str("").AsString(), "");
  EXPECT_EQ(Str(std::string("nul\0inside", 10)).AsString().size(), 10u);
}

TEST(ValueTest, KindsOrderNullBooleanNumberStringArrayObjectSet) {
  ExpectStrictlyAscending({
      Value(),
      Value::Boolean(false),
      Value::Boolean(true),
      Num("-1e400"),
      Num("0"),
      Num("1.5"),
      Num("123456789012345678901234567890"),
      Str(""),
      Str("A"),
      Str("a"),
      Str("ab"),
      Str("b"),
      Str("\xc3\xa9"),  // é: bytes above ASCII order after it
      Arr({}),
      Arr({Value()}),
      Arr({Num("1")}),
      Arr({Num("1"), Num("1")}),
      Arr({Num("2")}),
      Arr({Str("a")}),
      Obj({}),
      Obj({{Str("a"), Num("1")}}),
      Obj({{Str("a"), Num("1")}, {Str("b"), Num("0")}}),
      Obj({{Str("a"), Num("2")}}),
      Obj({{Str("b"), Num("0")}}),
      SetOf({}),
      SetOf({Num("1")}),
      SetOf({Num("1"), Num("2")}),
      SetOf({Num("2")}),
  });
}

// OPA's object order compares sorted keys pair by pair, key then value,
// and only then lengths (v1/ast/term.go object.Compare).
TEST(ValueTest, ObjectsCompareKeyThenValuePairByPair) {
  Value small_key_big_value = Obj({{Num("1"), Num("100")}});
  Value big_key_small_value = Obj({{Num("2"), Num("0")}});
  EXPECT_LT(Compare(small_key_big_value, big_key_small_value), 0);
  // A prefix is smaller even when the longer one's extra key sorts first.
  Value shorter = Obj({{Str("b"), Num("1")}});
  Value longer = Obj({{Str("a"), Num("1")}, {Str("b"), Num("1")}});
  EXPECT_GT(Compare(shorter, longer), 0);  // "b" > "a" at the first pair
  Value prefix = Obj({{Str("a"), Num("1")}});
  EXPECT_LT(Compare(prefix, longer), 0);
}

TEST(ValueTest, SetsCompareSortedElementsThenLength) {
  EXPECT_LT(Compare(SetOf({Num("1"), Num("3")}), SetOf({Num("2")})), 0);
  EXPECT_LT(Compare(SetOf({Num("1")}), SetOf({Num("1"), Num("2")})), 0);
  EXPECT_EQ(SetOf({Num("3"), Num("1")}), SetOf({Num("1"), Num("3")}));
}

TEST(ValueTest, NumbersAreEqualByValueInsideComposites) {
  // The conformance cases comparisonexpr/numbers (test-comparisonexpr-0620).
  EXPECT_EQ(Num("1"), Num("1.0"));
  EXPECT_EQ(Arr({Num("1")}), Arr({Num("1.0")}));
  EXPECT_EQ(Obj({{Num("1"), Num("1")}}), Obj({{Num("1"), Num("1.0")}}));
  Value nested_int = Obj({{Str("x"), Arr({Num("1"), Num("2"), Obj({{Str("b"), Num("3")}})})}});
  Value nested_float = Obj({{Str("x"), Arr({Num("1"), Num("2"), Obj({{Str("b"), Num("3.0")}})})}});
  EXPECT_EQ(nested_int, nested_float);
  EXPECT_EQ(nested_int.Hash(), nested_float.Hash());
  EXPECT_EQ(SetOf({Num("1"), Num("1.0"), Num("1e0")}).size(), 1u);
  EXPECT_TRUE(SetOf({Num("1")}).Contains(Num("1.0")));
  EXPECT_NE(Num("1"), Str("1"));
  EXPECT_NE(Value(), Value::Boolean(false));
}

TEST(ValueTest, SetsAreSortedAndDeduplicated) {
  Value s = SetOf({Str("b"), Num("2"), Value(), Str("a"), Num("2.0"), Num("1"), Str("b")});
  ASSERT_EQ(s.size(), 5u);
  std::span<const Value> e = s.SetElems();
  EXPECT_TRUE(e[0].IsNull());
  EXPECT_EQ(e[1], Num("1"));
  EXPECT_EQ(e[2], Num("2"));
  EXPECT_EQ(e[3], Str("a"));
  EXPECT_EQ(e[4], Str("b"));
  EXPECT_EQ(e[2].AsNumber().ToString(), "2");  // the first of equal elements stays
  EXPECT_TRUE(s.Contains(Str("a")));
  EXPECT_FALSE(s.Contains(Str("c")));
  EXPECT_FALSE(s.Contains(Num("3")));
}

TEST(ValueTest, ObjectsAreSortedByKeyAndTheLastDuplicateWins) {
  Value o = Obj({{Str("b"), Num("1")},
                 {Num("7"), Str("number key")},
                 {Str("a"), Num("2")},
                 {Arr({Num("1")}), Str("array key")},
                 {Str("b"), Num("3")}});
  ASSERT_EQ(o.size(), 4u);
  std::span<const ObjectEntry> e = o.ObjectEntries();
  EXPECT_EQ(e[0].key, Num("7"));
  EXPECT_EQ(e[1].key, Str("a"));
  EXPECT_EQ(e[2].key, Str("b"));
  EXPECT_EQ(e[2].value, Num("3"));
  EXPECT_TRUE(e[3].key.IsArray());

  ASSERT_NE(o.Find(Str("b")), nullptr);
  EXPECT_EQ(*o.Find(Str("b")), Num("3"));
  EXPECT_EQ(*o.Find("a"), Num("2"));
  EXPECT_EQ(*o.Find(Num("7.0")), Str("number key"));
  EXPECT_EQ(*o.Find(Arr({Num("1.0")})), Str("array key"));
  EXPECT_EQ(o.Find("c"), nullptr);
  EXPECT_EQ(o.Find(Str("7")), nullptr);
  EXPECT_EQ(o.Find(""), nullptr);
  EXPECT_EQ(Value::Int(1).Find("a"), nullptr);
}

TEST(ValueTest, StringKeyLookupSkipsOtherKinds) {
  ObjectBuilder b;
  for (int i = 0; i < 50; ++i) {
    b.Insert(Value::Int(i), Value::Int(i));
    b.Insert(Str("k" + std::to_string(i)), Value::Int(i));
    b.Insert(Arr({Value::Int(i)}), Value::Int(i));
  }
  Value o = std::move(b).Build();
  EXPECT_EQ(o.size(), 150u);
  for (int i = 0; i < 50; ++i) {
    std::string key = "k" + std::to_string(i);
    ASSERT_NE(o.Find(key), nullptr) << key;
    EXPECT_EQ(o.Find(key)->AsNumber().int64(), i);
    EXPECT_EQ(o.Find(Value::Int(i))->AsNumber().int64(), i);
  }
}

TEST(ValueTest, GetFollowsReferenceSteps) {
  Value arr = Arr({Str("a"), Str("b")});
  EXPECT_EQ(*arr.Get(Value::Int(1)), Str("b"));
  EXPECT_EQ(*arr.Get(Num("1.0")), Str("b"));
  EXPECT_EQ(arr.Get(Value::Int(2)), nullptr);
  EXPECT_EQ(arr.Get(Value::Int(-1)), nullptr);
  EXPECT_EQ(arr.Get(Num("0.5")), nullptr);
  EXPECT_EQ(arr.Get(Str("0")), nullptr);
  EXPECT_EQ(arr.Get(Num("18446744073709551616")), nullptr);

  Value obj = Obj({{Str("a"), Num("1")}});
  EXPECT_EQ(*obj.Get(Str("a")), Num("1"));
  EXPECT_EQ(obj.Get(Str("z")), nullptr);

  Value set = SetOf({Num("1"), Str("x")});
  EXPECT_EQ(*set.Get(Num("1.0")), Num("1"));
  EXPECT_EQ(set.Get(Num("2")), nullptr);
  EXPECT_EQ(Str("abc").Get(Value::Int(0)), nullptr);
}

TEST(ValueTest, HashAgreesWithEqualityAndSeparatesKinds) {
  std::unordered_set<Value, ValueHash> seen;
  seen.insert(Num("1"));
  seen.insert(Num("1.0"));
  seen.insert(Str("1"));
  seen.insert(Arr({}));
  seen.insert(Obj({}));
  seen.insert(SetOf({}));
  seen.insert(Arr({Num("1")}));
  seen.insert(Arr({Num("1e0")}));
  seen.insert(Value());
  seen.insert(Value::Boolean(false));
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(seen.count(SetOf({})), 1u);
  EXPECT_EQ(Str("a long string that is heap allocated").Hash(),
            Str(std::string("a long string that is heap allocated")).Hash());
  EXPECT_NE(Arr({Num("1"), Num("2")}).Hash(), Arr({Num("2"), Num("1")}).Hash());
}

TEST(ValueTest, WorksAsAnOrderedMapKey) {
  std::map<Value, int> m;
  m[Num("2")] = 2;
  m[Str("a")] = 3;
  m[Num("1")] = 1;
  m[Num("1.0")] = 10;  // the same key as 1
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m.begin()->second, 10);
  EXPECT_EQ(m.rbegin()->first, Str("a"));
}

TEST(ValueTest, CopiesShareAndSurviveTheOriginal) {
  Value copy;
  {
    Value big = Arr({Str("a string of more than fourteen bytes"), Num("1.5"),
                     Obj({{Str("k"), SetOf({Num("1")})}})});
    copy = big;
    Value moved = std::move(big);
    EXPECT_TRUE(big.IsNull());  // NOLINT(bugprone-use-after-move): moved-from is null
    EXPECT_EQ(moved, copy);
  }
  ASSERT_EQ(copy.size(), 3u);
  EXPECT_EQ(copy.ArrayElems()[0].AsString(), "a string of more than fourteen bytes");
  // Assigning a value its own element keeps the element alive.
  copy = copy.ArrayElems()[2];
  EXPECT_TRUE(copy.IsObject());
  EXPECT_TRUE(copy.Find("k")->Contains(Num("1")));
  Value number = Num("123456789012345678901234567890.5");
  Value other = number;
  other = Str("replaced");
  EXPECT_EQ(number.AsNumber().ToString(), "123456789012345678901234567890.5");
}

TEST(ValueTest, SharedValuesAcrossThreads) {
  Value shared = Arr({Str("a string of more than fourteen bytes"), Num("0.5")});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&shared] {
      for (int i = 0; i < 10000; ++i) {
        Value copy = shared;
        EXPECT_EQ(copy.size(), 2u);
        (void)copy.Hash();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(shared.ArrayElems()[1], Num("0.5"));
}

TEST(ValueTest, SetAlgebra) {
  Value a = SetOf({Num("1"), Num("2"), Num("3")});
  Value b = SetOf({Num("2.0"), Num("3"), Num("4")});
  EXPECT_EQ(SetUnion(a, b), SetOf({Num("1"), Num("2"), Num("3"), Num("4")}));
  EXPECT_EQ(SetIntersection(a, b), SetOf({Num("2"), Num("3")}));
  EXPECT_EQ(SetDifference(a, b), SetOf({Num("1")}));
  EXPECT_EQ(SetDifference(b, a), SetOf({Num("4")}));
  Value empty = SetOf({});
  EXPECT_EQ(SetUnion(a, empty), a);
  EXPECT_EQ(SetIntersection(a, empty), empty);
  EXPECT_EQ(SetDifference(empty, a), empty);
  EXPECT_EQ(SetDifference(a, a).size(), 0u);
  EXPECT_TRUE(SetDifference(a, a).IsSet());
}

TEST(ValueTest, BuildersCollectThenSort) {
  ArrayBuilder arr;
  arr.Push(Num("3"));
  arr.Push(Num("1"));
  EXPECT_EQ(std::move(arr).Build(), Arr({Num("3"), Num("1")}));
  SetBuilder set;
  set.Push(Num("3"));
  set.Push(Num("1"));
  set.Push(Num("3.0"));
  EXPECT_EQ(std::move(set).Build(), SetOf({Num("1"), Num("3")}));
  ObjectBuilder obj;
  obj.Insert(Str("x"), Num("1"));
  obj.Insert(Str("x"), Num("2"));
  EXPECT_EQ(std::move(obj).Build(), Obj({{Str("x"), Num("2")}}));
  EXPECT_TRUE(Value::Array({}).IsArray());
  EXPECT_TRUE(Value::Object({}).IsObject());
  EXPECT_TRUE(Value::Set({}).IsSet());
  EXPECT_NE(Value::Array({}), Value::Object({}));
  EXPECT_NE(Value::Object({}), Value::Set({}));
}

TEST(ValueTest, KindNamesAreOpas) {
  EXPECT_EQ(KindName(Value().kind()), "null");
  EXPECT_EQ(KindName(Value::Boolean(true).kind()), "boolean");
  EXPECT_EQ(KindName(Num("1").kind()), "number");
  EXPECT_EQ(KindName(Str("").kind()), "string");
  EXPECT_EQ(KindName(Arr({}).kind()), "array");
  EXPECT_EQ(KindName(Obj({}).kind()), "object");
  EXPECT_EQ(KindName(SetOf({}).kind()), "set");
}

}  // namespace
}  // namespace sluice::policy
