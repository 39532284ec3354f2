// Executes a parsed Go text/template (go_template_internal.h): walks the
// nodes with a dot value and a stack of variables, as Go's exec.go does.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "policy/go_template.h"
#include "policy/go_template_internal.h"

namespace sluice::policy {
namespace gotmpl {
namespace {

class Executor {
 public:
  explicit Executor(const Tree& tree) : tree_(tree) {}

  // Walks the template; ExecError carries the message, name(), at_pos()
  // and at_text() the template and node that failed.
  std::string Run(const TVal& data) {
    vars_.emplace_back("$", data);
    Walk(data, tree_.templates.at(std::string(kRootName)));
    return std::move(out_);
  }

  const std::string& name() const { return name_; }
  size_t at_pos() const { return at_pos_; }
  const std::string& at_text() const { return at_text_; }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  void At(size_t pos, const std::string& text) {
    at_pos_ = pos;
    at_text_ = text;
  }

  Flow Walk(const TVal& dot, const std::vector<Node>& list) {
    if (++depth_ > kMaxDepth) throw ExecError("exceeded maximum template depth (" + std::to_string(kMaxDepth) + ")");
    for (const Node& n : list) {
      Flow f = WalkNode(dot, n);
      if (f != Flow::kNormal) {
        --depth_;
        return f;
      }
    }
    --depth_;
    return Flow::kNormal;
  }

  Flow WalkNode(const TVal& dot, const Node& n) {
    switch (n.kind) {
      case Node::Kind::kText:
        out_ += n.text;
        return Flow::kNormal;
      case Node::Kind::kAction: {
        TVal v = EvalPipeline(dot, n.pipe, true);
        if (n.pipe.decl.empty()) Print(v);
        return Flow::kNormal;
      }
      case Node::Kind::kIf:
      case Node::Kind::kWith: {
        size_t mark = vars_.size();
        TVal v = EvalPipeline(dot, n.pipe, true);
        Flow f = Truth(v) ? Walk(n.kind == Node::Kind::kWith ? v : dot, n.list) : Walk(dot, n.else_list);
        vars_.resize(mark);
        return f;
      }
      case Node::Kind::kRange:
        return WalkRange(dot, n);
      case Node::Kind::kTemplate:
        CallTemplate(dot, n);
        return Flow::kNormal;
      case Node::Kind::kBreak:
        return Flow::kBreak;
      case Node::Kind::kContinue:
        return Flow::kContinue;
    }
    return Flow::kNormal;
  }

  // {{template}}: the named body with the pipeline's value as dot and $,
  // and no other variables. On an error name_ stays the failing template's.
  void CallTemplate(const TVal& dot, const Node& n) {
    TVal arg = n.pipe.cmds.empty() ? TVal::Nil() : EvalPipeline(dot, n.pipe, false);
    At(n.pos, n.text);
    auto found = tree_.templates.find(n.name);
    if (found == tree_.templates.end()) throw ExecError("template \"" + n.name + "\" not defined");
    std::vector<std::pair<std::string, TVal>> vars = std::exchange(vars_, {{"$", arg}});
    std::string caller = std::exchange(name_, n.name);
    Walk(arg, found->second);
    name_ = std::move(caller);
    vars_ = std::move(vars);
  }

  // One iteration: declares the range variables, then walks the body.
  Flow Iterate(const Node& n, const TVal& key, const TVal& elem) {
    size_t mark = vars_.size();
    if (n.pipe.decl.size() == 1) vars_.emplace_back(n.pipe.decl[0], elem);
    if (n.pipe.decl.size() == 2) {
      vars_.emplace_back(n.pipe.decl[0], key);
      vars_.emplace_back(n.pipe.decl[1], elem);
    }
    Flow f = Walk(elem, n.list);
    vars_.resize(mark);
    return f;
  }

  Flow WalkRange(const TVal& dot, const Node& n) {
    TVal v = EvalPipeline(dot, n.pipe, false);
    size_t count = 0;
    auto each = [&](const TVal& key, const TVal& elem) {
      ++count;
      return Iterate(n, key, elem) != Flow::kBreak;
    };
    switch (v.t) {
      case TVal::T::kArray: {
        int64_t i = 0;
        for (const TVal& e : Elements(v)) {
          if (!each(TVal::Int(i++), e)) break;
        }
        break;
      }
      case TVal::T::kMap:
        for (const auto& [k, e] : Entries(v)) {
          if (!each(TVal::Str(k), e)) break;
        }
        break;
      case TVal::T::kInt:
        if (n.pipe.decl.size() > 1) {
          throw ExecError("can't use " + FormatV(v) + " to iterate over more than one variable");
        }
        for (int64_t i = 0; i < v.i; ++i) {
          if (!each(TVal::Int(i), TVal::Int(i))) break;
        }
        break;
      case TVal::T::kMissing:
      case TVal::T::kNil:
        break;
      default:
        throw ExecError("range can't iterate over " + FormatV(v));
    }
    if (count == 0) return Walk(dot, n.else_list);
    return Flow::kNormal;
  }

  // The action's value printed as Go's printValue does.
  void Print(const TVal& v) { out_ += v.t == TVal::T::kNil ? "<no value>" : FormatV(v); }

  TVal EvalPipeline(const TVal& dot, const Pipeline& p, bool declare) {
    TVal value;
    bool has_final = false;
    for (const Command& cmd : p.cmds) {
      value = EvalCommand(dot, cmd, has_final ? &value : nullptr);
      has_final = true;
    }
    if (!declare) return value;
    for (const std::string& name : p.decl) {
      if (!p.is_assign) {
        vars_.emplace_back(name, value);
        continue;
      }
      for (size_t i = vars_.size(); i > 0; --i) {
        if (vars_[i - 1].first == name) {
          vars_[i - 1].second = value;
          break;
        }
      }
    }
    return value;
  }

  TVal EvalCommand(const TVal& dot, const Command& cmd, const TVal* final) {
    const Operand& head = cmd.args[0];
    if (head.kind == Operand::Kind::kFunction) return CallFn(dot, cmd, final);
    if (head.kind == Operand::Kind::kNil) {
      At(head.pos, head.text);
      throw ExecError("nil is not a command");
    }
    if (cmd.args.size() > 1 || final != nullptr) {
      At(head.pos, head.text);
      if (!head.chain.empty()) throw ExecError(head.chain.back() + " is not a method but has arguments");
      throw ExecError("can't give argument to non-function " + head.text);
    }
    return EvalOperand(dot, head, cmd.pos);
  }

  TVal CallFn(const TVal& dot, const Command& cmd, const TVal* final) {
    const std::string& name = cmd.args[0].name;
    std::span<const Operand> ops(cmd.args.data() + 1, cmd.args.size() - 1);
    if (name == "and" || name == "or") {
      if (ops.empty() && final == nullptr) {
        At(cmd.pos, cmd.text);
        throw ExecError("wrong number of args for " + name + ": want at least 1 got 0");
      }
      TVal v;
      for (const Operand& op : ops) {
        v = EvalOperand(dot, op, cmd.pos);
        if (Truth(v) != (name == "and")) return v;
      }
      return final != nullptr ? *final : v;
    }
    std::vector<TVal> args;
    for (const Operand& op : ops) args.push_back(EvalOperand(dot, op, cmd.pos));
    if (final != nullptr) args.push_back(*final);
    At(cmd.pos, cmd.text);
    return CallFunction(name, args);
  }

  TVal EvalOperand(const TVal& dot, const Operand& op, size_t pos) {
    At(op.pos, op.text);
    TVal v;
    switch (op.kind) {
      case Operand::Kind::kDot:
      case Operand::Kind::kField: v = dot; break;
      case Operand::Kind::kVariable:
        for (size_t i = vars_.size(); i > 0; --i) {
          if (vars_[i - 1].first == op.name) {
            v = vars_[i - 1].second;
            break;
          }
        }
        break;
      case Operand::Kind::kNil: v = TVal::Nil(); break;
      case Operand::Kind::kBool: v = TVal::Bool(op.boolean); break;
      case Operand::Kind::kString: v = TVal::Str(op.name); break;
      case Operand::Kind::kNumber: v = Number(op); break;
      case Operand::Kind::kPipe: v = EvalPipeline(dot, *op.pipe, false); break;
      case Operand::Kind::kFunction: {
        Command call{{op}, pos, op.text};
        v = CallFn(dot, call, nullptr);
        break;
      }
    }
    At(op.pos, op.text);
    for (const std::string& field : op.chain) {
      v = Field(v, field);
    }
    return v;
  }

  // A map's entry; a missing one (or any field of nil) is Missing.
  static TVal Field(const TVal& receiver, const std::string& name) {
    if (receiver.IsInvalid()) return TVal::Missing();
    if (receiver.t != TVal::T::kMap) {
      throw ExecError("can't evaluate field " + name + " in type " + std::string(GoTypeName(receiver)));
    }
    const Value* found = receiver.v.Find(name);
    return found ? TVal::From(*found) : TVal::Missing();
  }

  TVal Number(const Operand& op) {
    std::string text = op.name;
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    bool hex = text.size() > 2 && (text[0] == '0' || ((text[0] == '-' || text[0] == '+') && text[1] == '0')) &&
               text.find_first_of("xX") != std::string::npos;
    errno = 0;
    char* end = nullptr;
    if (!hex && text.find_first_of(".eEpP") != std::string::npos) {
      double d = strtod(text.c_str(), &end);
      if (*end == '\0' && errno == 0) return TVal::Float(d);
    } else {
      long long i = strtoll(text.c_str(), &end, 0);
      if (*end == '\0' && errno == 0) return TVal::Int(i);
    }
    At(op.pos, op.text);
    throw ExecError("illegal number syntax: \"" + op.name + "\"");
  }

  // Nested bodies (blocks and template calls) at once. Go allows 100000
  // template calls; a native stack holds fewer frames.
  static constexpr size_t kMaxDepth = 1000;

  const Tree& tree_;
  std::vector<std::pair<std::string, TVal>> vars_;
  std::string name_{kRootName};
  size_t depth_ = 0;
  std::string out_;
  size_t at_pos_ = 0;
  std::string at_text_;
};

}  // namespace
}  // namespace gotmpl

Result<std::string> RenderGoTemplate(std::string_view source, const Value& data) {
  Result<gotmpl::Tree> tree = gotmpl::ParseTemplate(source);
  if (!tree.ok()) return tree.status();
  gotmpl::Executor exec(*tree);
  try {
    return exec.Run(gotmpl::TVal::From(data));
  } catch (const gotmpl::ExecError& e) {
    size_t pos = std::min(exec.at_pos(), source.size());
    size_t newline = pos == 0 ? std::string_view::npos : source.rfind('\n', pos - 1);
    size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
    size_t line = 1 + static_cast<size_t>(std::count(source.begin(), source.begin() + pos, '\n'));
    return Status::InvalidArgument("template: template:" + std::to_string(line) + ":" +
                                   std::to_string(pos - line_start) + ": executing \"" + exec.name() + "\" at <" +
                                   exec.at_text() + ">: " + e.what());
  }
}

}  // namespace sluice::policy
