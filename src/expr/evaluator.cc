#include "expr/evaluator.h"

#include <string>
#include <vector>

#include "expr/methods.h"
#include "expr/value_ops.h"

namespace sluice::expr {
namespace {

class Evaluator {
 public:
  Evaluator(std::string_view source, const Scope& scope) : source_(source), scope_(scope) {}

  Result<Value> Eval(const Node& n) {
    switch (n.kind) {
      case NodeKind::kLiteral:
        return n.literal;
      case NodeKind::kPath:
        return Lookup(n);
      case NodeKind::kTemplate: {
        const Node* saved = template_;
        template_ = &n;
        Result<Value> v = Eval(*n.children[0]);
        template_ = saved;
        return v;
      }
      case NodeKind::kMember: {
        SLUICE_ASSIGN_OR_RETURN(Value base, Eval(*n.children[0]));
        return Member(n, base, n.name);
      }
      case NodeKind::kIndex: {
        SLUICE_ASSIGN_OR_RETURN(Value base, Eval(*n.children[0]));
        SLUICE_ASSIGN_OR_RETURN(Value index, Eval(*n.children[1]));
        return Index(n, base, index);
      }
      case NodeKind::kCall:
        return Call(n);
      case NodeKind::kArray: {
        Value list = Value::array();
        for (const NodePtr& item : n.children) {
          SLUICE_ASSIGN_OR_RETURN(Value v, Eval(*item));
          list.push_back(std::move(v));
        }
        return list;
      }
      case NodeKind::kUnary: {
        SLUICE_ASSIGN_OR_RETURN(Value v, Eval(*n.children[0]));
        if (n.op == Op::kNot) return Value(!IsTruthy(v));
        return Failed(n, Arithmetic(Op::kSubtract, Value(0), v));
      }
      case NodeKind::kBinary:
        return Binary(n);
      case NodeKind::kTernary: {
        SLUICE_ASSIGN_OR_RETURN(Value cond, Eval(*n.children[0]));
        return Eval(*n.children[IsTruthy(cond) ? 1 : 2]);
      }
    }
    return Status::Internal("unknown expression node");
  }

 private:
  // The text errors quote: the innermost <+...>, else the node itself.
  std::string Context(const Node& n) const {
    const Node& shown = template_ ? *template_ : n;
    return std::string(source_.substr(shown.begin, shown.end - shown.begin));
  }
  Status Error(const Node& n, const Status& cause) const {
    const bool lookup = cause.code() == StatusCode::kNotFound;
    return Status(cause.code(), std::string(lookup ? "cannot resolve " : "cannot evaluate ") +
                                    Context(n) + ": " + cause.message());
  }
  template <typename T>
  Result<T> Failed(const Node& n, Result<T> r) const {
    if (r.ok()) return r;
    return Error(n, r.status());
  }

  Result<Value> Lookup(const Node& n) { return Failed(n, scope_.Lookup(n.path)); }

  Result<Value> Member(const Node& n, const Value& base, const std::string& key) {
    if (base.is_null()) return Value(nullptr);
    if (!base.is_object()) {
      return Error(
          n, Status::InvalidArgument("cannot read \"" + key + "\" of " + DescribeValue(base)));
    }
    auto it = base.find(key);
    if (it == base.end()) {
      const Node& owner = *n.children[0];
      return Error(
          n, Status::NotFound(std::string(source_.substr(owner.begin, owner.end - owner.begin)) +
                              " has no \"" + key + "\""));
    }
    return *it;
  }

  Result<Value> Index(const Node& n, const Value& base, const Value& index) {
    if (base.is_null()) return Value(nullptr);
    if (base.is_object()) {
      if (!index.is_string()) {
        return Error(n, Status::InvalidArgument("an object is indexed by a string key, got " +
                                                DescribeValue(index)));
      }
      return Member(n, base, index.get<std::string>());
    }
    if (!base.is_array()) {
      return Error(n, Status::InvalidArgument("cannot index " + DescribeValue(base)));
    }
    if (!index.is_number_integer()) {
      return Error(n, Status::InvalidArgument("a list is indexed by an integer, got " +
                                              DescribeValue(index)));
    }
    const int64_t i = index.get<int64_t>();
    if (i < 0 || i >= static_cast<int64_t>(base.size())) {
      return Error(
          n, Status::NotFound("index " + std::to_string(i) + " is out of range for a list of " +
                              std::to_string(base.size()) + " elements"));
    }
    return base[static_cast<size_t>(i)];
  }

  Result<Value> Call(const Node& n) {
    const Node& receiver = *n.children[0];
    std::vector<Value> args;
    for (size_t i = 1; i < n.children.size(); ++i) {
      SLUICE_ASSIGN_OR_RETURN(Value arg, Eval(*n.children[i]));
      args.push_back(std::move(arg));
    }
    if (receiver.kind == NodeKind::kPath && receiver.path.size() == 1 &&
        IsFunctorName(receiver.path[0])) {
      return Function(n, receiver.path[0], args);
    }
    SLUICE_ASSIGN_OR_RETURN(Value base, Eval(receiver));
    return Failed(n, CallMethod(base, n.name, args));
  }

  Result<Value> Function(const Node& n, const std::string& functor,
                         const std::vector<Value>& args) {
    if (functor != "secrets") {
      return Error(n,
                   Status::Unimplemented(functor + "." + n.name + "() is not supported by sluice"));
    }
    if (n.name != "getValue") {
      return Error(n, Status::InvalidArgument("unknown function secrets." + n.name +
                                              "() (use secrets.getValue(\"id\"))"));
    }
    if (args.size() != 1 || !args[0].is_string()) {
      return Error(n,
                   Status::InvalidArgument("secrets.getValue() takes one string, the secret id"));
    }
    SLUICE_ASSIGN_OR_RETURN(std::string secret,
                            Failed(n, scope_.GetSecret(args[0].get<std::string>())));
    return Value(std::move(secret));
  }

  Result<Value> Binary(const Node& n) {
    SLUICE_ASSIGN_OR_RETURN(Value left, Eval(*n.children[0]));
    if (n.op == Op::kAnd || n.op == Op::kOr) {
      const bool l = IsTruthy(left);
      if (n.op == Op::kAnd ? !l : l) return Value(l);
      SLUICE_ASSIGN_OR_RETURN(Value right, Eval(*n.children[1]));
      return Value(IsTruthy(right));
    }
    SLUICE_ASSIGN_OR_RETURN(Value right, Eval(*n.children[1]));
    switch (n.op) {
      case Op::kEqual:
        return Value(LooseEquals(left, right));
      case Op::kNotEqual:
        return Value(!LooseEquals(left, right));
      case Op::kLess:
      case Op::kLessEqual:
      case Op::kGreater:
      case Op::kGreaterEqual: {
        SLUICE_ASSIGN_OR_RETURN(bool b, Failed(n, Compare(n.op, left, right)));
        return Value(b);
      }
      case Op::kRegexMatch:
      case Op::kRegexNoMatch: {
        bool matched = false;
        if (right.is_array()) {
          for (const Value& item : right) matched = matched || LooseEquals(left, item);
        } else {
          SLUICE_ASSIGN_OR_RETURN(matched, Failed(n, RegexFullMatch(ToText(right), ToText(left))));
        }
        return Value(n.op == Op::kRegexMatch ? matched : !matched);
      }
      case Op::kStartsWith:
      case Op::kEndsWith: {
        const std::string text = ToText(left), part = ToText(right);
        if (part.size() > text.size()) return Value(false);
        const size_t at = n.op == Op::kStartsWith ? 0 : text.size() - part.size();
        return Value(text.compare(at, part.size(), part) == 0);
      }
      default:
        return Failed(n, Arithmetic(n.op, left, right));
    }
  }

  std::string_view source_;
  const Scope& scope_;
  const Node* template_ = nullptr;  // innermost <+...> being evaluated
};

}  // namespace

bool IsFunctorName(std::string_view root) {
  return root == "secrets" || root == "json" || root == "xml" || root == "exportedVariables";
}

Result<Value> Evaluate(const Node& node, std::string_view source, const Scope& scope) {
  try {
    return Evaluator(source, scope).Eval(node);
  } catch (const std::exception& e) {
    // nlohmann::json or std::regex may throw on pathological input.
    return Status::Internal(std::string("expression evaluation failed: ") + e.what());
  }
}

}  // namespace sluice::expr
