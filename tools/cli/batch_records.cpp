// SPDX-License-Identifier: BSL-1.0
// The batch's records.
#include "batch_records.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <chrono>
#include <stdexcept>

namespace betterprompt_cli {

namespace bp = betterprompt;
namespace json = boost::json;

namespace {
std::string string_of(const json::object& obj, std::string_view key) {
  const auto* v = obj.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

row_status status_of(const json::object& record) {
  row_status status;
  if (const auto* sending = record.if_contains("sending")) {
    status.state = row_state::unresolved;
    const auto* fields = sending->if_object();
    const std::string since = fields ? string_of(*fields, "sentAt") : std::string();
    status.why = "sent" + (since.empty() ? std::string() : " at " + since) + ", no answer recorded";
    return status;
  }
  if (const auto* run = record.if_contains("run")) {
    try {
      const auto r = json::value_to<bp::run>(*run);
      status.run_id = r.run_id;
      status.state = r.finished() ? row_state::done : row_state::pending;
      status.failed = r.failed();
      return status;
    } catch (const std::exception&) {
      status.state = row_state::unresolved;  // a run record we cannot read: never create again
      status.why = "its run record cannot be read";
      return status;
    }
  }
  const auto* error = record.if_contains("error");
  if (!error) return status;  // not a record of ours
  const auto* fields = error->if_object();
  const std::string code = fields ? string_of(*fields, "code") : std::string();
  const std::string outcome = fields ? string_of(*fields, "outcome") : std::string();
  status.why = code.empty() ? "an error" : code;
  if (!outcome.empty()) status.why += ", outcome " + outcome;
  if (const std::string run_id = string_of(record, "runId"); !run_id.empty()) {
    status.state = row_state::pending;  // its run exists: the wait failed
    status.run_id = run_id;
    return status;
  }
  if (const auto* reconcile = fields ? fields->if_contains("reconcile") : nullptr) {
    const auto* r = reconcile->if_object();
    const std::string answer = r ? string_of(*r, "status") : std::string();
    status.state = row_state::unresolved;
    status.ambiguous = answer == "ambiguous";
    status.why += ", reconciled: " + (answer.empty() ? std::string("?") : answer);
    if (const auto* candidates = r ? r->if_contains("candidates") : nullptr;
        candidates && candidates->is_array() && !candidates->as_array().empty()) {
      status.why += ", candidates";
      for (const auto& c : candidates->as_array())
        if (c.is_string()) status.why += " " + std::string(c.get_string());
    }
    return status;
  }
  // Only a record that says so proves nothing was created; an older record without an outcome
  // proves nothing.
  const bool not_created = fields && string_of(*fields, "outcome") == "not_created";
  status.state = not_created ? row_state::retry : row_state::unresolved;
  return status;
}

std::map<std::string, row_status> read_output(const std::string& path) {
  std::map<std::string, row_status> rows;
  std::ifstream in(path);
  std::string text;
  while (std::getline(in, text)) {
    boost::system::error_code ec;
    const json::value record = json::parse(text, ec);
    const auto* obj = ec ? nullptr : record.if_object();
    const auto* id = obj ? obj->if_contains("id") : nullptr;
    if (!id || !id->is_string()) continue;
    rows[std::string(id->get_string())] = status_of(*obj);
  }
  return rows;
}

output_file::output_file(const std::string& path) : path_(path), out_(path, std::ios::app) {
  if (!out_) throw std::runtime_error("cannot write " + path);
}

void output_file::sending(const std::string& id, const std::string& prompt_version_id) {
  write(id, {{"sending",
              {{"promptVersionId", prompt_version_id},
               {"sentAt", bp::to_iso8601(std::chrono::system_clock::now())}}}});
}

void output_file::run(const std::string& id, const bp::run& r, bool reconciled) {
  json::object record{{"run", json::value_from(r)}};
  if (reconciled) record["reconciled"] = true;
  write(id, std::move(record));
}

void output_file::unclaimed(const bp::run& r) {
  append(json::object{{"unclaimed", json::value_from(r)}});
}

void output_file::unreconciled(const std::string& id, const boost::system::error_code& ec,
                               const bp::diagnostics& diag, json::object reconcile) {
  json::object record = error_record(ec, diag);
  record["error"].as_object()["reconcile"] = std::move(reconcile);
  write(id, std::move(record));
}

void output_file::error(const std::string& id, const boost::system::error_code& ec,
                        const bp::diagnostics& diag, const std::string& run_id) {
  json::object record = error_record(ec, diag);
  if (!run_id.empty()) record["runId"] = run_id;
  write(id, std::move(record));
}

json::object output_file::error_record(const boost::system::error_code& ec,
                                       const bp::diagnostics& diag) {
  json::object error{{"code", bp::error::code_name(ec)}, {"message", diag.message}};
  if (!diag.request_id.empty()) error["requestId"] = diag.request_id;
  if (diag.http_status != 0) error["httpStatus"] = diag.http_status;
  if (diag.create) {
    error["outcome"] = bp::to_string(diag.create->outcome);
    error["create"] = json::value_from(*diag.create);
  }
  return {{"error", std::move(error)}};
}

void output_file::write(const std::string& id, json::object record) {
  record.emplace("id", id);
  append(record);
}

void output_file::append(const json::object& record) {
  out_ << json::serialize(record) << '\n' << std::flush;
  if (!out_) throw std::runtime_error("cannot write " + path_ + ": the batch stops");
}

}  // namespace betterprompt_cli
