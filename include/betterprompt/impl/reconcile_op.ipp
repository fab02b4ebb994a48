// SPDX-License-Identifier: BSL-1.0
// Bodies of reconcile_create: the member, the group's rounds, and the launch.
#pragma once

#include <betterprompt/detail/operations/endpoint_call.hpp>
#include <betterprompt/detail/operations/reconcile_op.hpp>
#include <betterprompt/list_runs.hpp>
#include <betterprompt/timestamps.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <span>
#include <utility>

namespace betterprompt {

BETTERPROMPT_DECL std::string_view to_string(reconcile_status status) noexcept {
  switch (status) {
    case reconcile_status::found:
      return "found";
    case reconcile_status::not_found:
      return "not_found";
    case reconcile_status::ambiguous:
      return "ambiguous";
  }
  return "unknown";
}

namespace detail {

BETTERPROMPT_DECL reconcile_initiation launch_reconcile(const client& c, create_record record,
                                                        const reconcile_options& options) {
  return {handle_of(c), std::move(record), options};
}

/// Why `record` and `options` cannot be reconciled; empty when they can.
inline std::string reconcile_refusal(const create_record& record,
                                     const reconcile_options& options) {
  if (record.prompt_version_id.empty()) return "create_record.prompt_version_id is empty";
  if (record.outcome != create_outcome::not_created && !record.sent_at)
    return "create_record.sent_at is missing: a create of outcome " +
           std::string(to_string(record.outcome)) + " was sent at some time";
  if (options.margin.count() < 0 || options.margin > max_reconcile_margin)
    return "reconcile_options.margin must be 0 to 10 s";
  if (options.grace.count() < 0 || options.grace > max_reconcile_grace)
    return "reconcile_options.grace must be 0 to 60 s";
  if (options.max_pages < 1 || options.max_pages > 1000)
    return "reconcile_options.max_pages must be 1 to 1000";
  return {};
}

/// The record as the decision sees it. `answered`: it only explains runs, it gets no answer.
inline unknown_create unknown_of(const create_record& record, bool answered) {
  unknown_create u;
  u.failed = record.failed_at;
  u.sent = record.sent_at.value_or(record.failed_at);
  u.answered = answered;
  u.made_run = record.outcome == create_outcome::created;
  return u;
}

BETTERPROMPT_DECL void reconcile_initiation::start_reconcile(
    std::shared_ptr<client_handle> client, create_record record, reconcile_options options,
    reconcile_member::handler_type handler) {
  const std::string refusal = reconcile_refusal(record, options);
  const bool proven = refusal.empty() && record.outcome == create_outcome::not_created;
  auto member = std::make_shared<reconcile_member>(std::move(record), options, std::move(handler),
                                                   client->executor());
  if (refusal.empty() && !proven) return member->join(client);
  // Answered at once, never inside the initiating function.
  boost::asio::post(client->executor(), [member, refusal] {
    if (!refusal.empty()) {
      diagnostics diag;
      diag.message = "reconcile_create: " + refusal;
      diag.create = member->record;
      return member->complete(error::invalid_argument, {}, std::move(diag));
    }
    reconcile_result result;
    result.status = reconcile_status::not_found;
    result.reason = "the record proves that no run was made (outcome not_created)";
    result.record = member->record;
    member->complete({}, std::move(result), {});
  });
}

BETTERPROMPT_DECL void reconcile_member::join(const std::shared_ptr<client_handle>& client) {
  caller_.relay_cancellation_to(weak_from_this());
  auto [group, made] = client->accounting().join_group(
      &client->state(), record.prompt_version_id,
      [&] { return std::make_shared<reconcile_group>(client, record.prompt_version_id); },
      [&](reconcile_group& g) { return g.offer(shared_from_this()); });
  bool cancelled = false;
  {
    std::lock_guard lock(mutex_);
    group_ = group;
    cancelled = cancelled_;
  }
  if (made) group->start();
  if (cancelled) group->leave(shared_from_this());
}

BETTERPROMPT_DECL void reconcile_member::post_cancel(boost::asio::cancellation_type_t type) {
  if (type == boost::asio::cancellation_type::none) return;
  std::shared_ptr<reconcile_group> group;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    group = group_.lock();
  }
  if (group) group->leave(shared_from_this());
}

BETTERPROMPT_DECL void reconcile_member::complete(boost::system::error_code ec,
                                                  reconcile_result result, diagnostics diag) {
  if (done_) return;
  done_ = true;
  caller_.complete(ec, std::move(result), std::move(diag));
}

BETTERPROMPT_DECL reconcile_group::reconcile_group(std::shared_ptr<client_handle> client,
                                                   std::string version)
    : client_(std::move(client)),
      executor_(client_->state().wait_executor()),
      version_(std::move(version)),
      timer_(executor_) {}

BETTERPROMPT_DECL reconcile_group::~reconcile_group() {
  leave_registry();
  release_hold();  // the hold never outlives the group
}

BETTERPROMPT_DECL bool reconcile_group::offer(std::shared_ptr<reconcile_member> member) {
  std::lock_guard lock(mutex_);
  if (!accepting_) return false;
  incoming_.push_back(std::move(member));
  // A group sleeping through a grace period lists again now, for the newcomer.
  boost::asio::post(executor_, [weak = weak_from_this()] {
    if (auto self = weak.lock(); self && self->sleeping_) self->timer_.cancel();
  });
  return true;
}

BETTERPROMPT_DECL void reconcile_group::start() {
  boost::asio::post(executor_, [self = shared_from_this()] {
    if (!self->client_->state().operations().add(*self)) return self->close_down();
    self->round();
  });
}

BETTERPROMPT_DECL void reconcile_group::leave(std::shared_ptr<reconcile_member> member) {
  boost::asio::post(executor_, [self = shared_from_this(), member = std::move(member)] {
    self->cancelled(member);
  });
}

BETTERPROMPT_DECL void reconcile_group::on_client_closed() noexcept {
  if (auto self = weak_from_this().lock())
    boost::asio::post(executor_, [self] { self->close_down(); });
}

BETTERPROMPT_DECL void reconcile_group::take_incoming() {
  {
    std::lock_guard lock(mutex_);
    for (auto& m : incoming_) members_.push_back(std::move(m));
    incoming_.clear();
  }
  std::erase_if(members_, [](const auto& m) { return m->done(); });
}

BETTERPROMPT_DECL reconcile_options reconcile_group::options() const {
  reconcile_options widest{std::chrono::milliseconds(0), std::chrono::milliseconds(0), 1};
  for (const auto& m : members_) {
    widest.margin = std::max(widest.margin, m->options.margin);
    widest.grace = std::max(widest.grace, m->options.grace);
    widest.max_pages = std::max(widest.max_pages, m->options.max_pages);
  }
  return widest;
}

BETTERPROMPT_DECL std::vector<unknown_create> reconcile_group::creates_of_version(
    std::size_t& members) const {
  std::vector<unknown_create> out;
  for (const auto& m : members_) out.push_back(unknown_of(m->record, false));
  members = out.size();
  // The noted creates that are neither a member nor answered here, one for one: two creates that
  // look alike (same version, same millisecond) stay two.
  auto others = client_->accounting().unsettled_outcomes(version_);
  for (const auto& m : members_) take_same_create(others, m->record);
  for (const auto& r : answered_) {
    take_same_create(others, r);
    out.push_back(unknown_of(r, true));
  }
  for (const auto& r : others) out.push_back(unknown_of(r, true));
  return out;
}

BETTERPROMPT_DECL void reconcile_group::round() {
  take_incoming();
  if (members_.empty()) return wind_up();
  sleeping_ = false;
  // Hold first, then wait for the creates already written: none can start writing meanwhile.
  auto awaited = client_->accounting().hold(version_);
  holding_ = true;
  tell_hold(event_kind::creates_held);
  client_->accounting().when_settled(
      std::move(awaited), [self = shared_from_this(), generation = generation_] {
        boost::asio::post(self->executor_, [self, generation] {
          if (generation != self->generation_ || self->closed_) return;
          std::size_t members = 0;
          const auto creates = self->creates_of_version(members);
          self->since_without_skew_ = !self->client_->accounting().created_at_offset();
          // From the members' windows only: the creates that only explain runs may be minutes old,
          // and listing since theirs would read thousands of runs ("listing too long").
          self->list_from(listing_since(std::span(creates).first(members),
                                        self->client_->accounting().created_at_offset_or_default(),
                                        self->options().margin));
        });
      });
}

BETTERPROMPT_DECL void reconcile_group::list_from(std::chrono::sys_seconds since) {
  since_ = since;
  listing_began_ = std::chrono::system_clock::now();
  cursor_.clear();
  pages_ = 0;
  listed_.clear();
  list_page();
}

BETTERPROMPT_DECL void reconcile_group::list_page() {
  if (pages_ >= options().max_pages) return listing_too_long();
  ++pages_;
  list_runs_options query;
  query.limit = 50;
  query.since = since_;
  query.starting_after = cursor_;
  auto listed = [self = shared_from_this(), generation = generation_](
                    boost::system::error_code ec, page<betterprompt::run> read, diagnostics diag) {
    if (generation != self->generation_ || self->closed_) return;
    self->listed(ec, std::move(read), std::move(diag));
  };
  endpoint_initiation<page<betterprompt::run>>{
      client_,
      std::make_unique<endpoint_call<page<betterprompt::run>>>(list_runs_call(std::move(query)))}(
      boost::asio::bind_cancellation_slot(
          list_cancel_.slot(), boost::asio::bind_executor(executor_, std::move(listed))));
}

BETTERPROMPT_DECL void reconcile_group::listed(boost::system::error_code ec,
                                               page<betterprompt::run> read, diagnostics diag) {
  if (ec && ec != boost::asio::error::operation_aborted && ec != error::client_closed &&
      ++listing_failures_ < max_listing_failures) {
    // A listing broken after the call's own retries (a truncated page is not retried there):
    // the round starts over, released meanwhile, after a pause that doubles each time.
    release_hold();
    return after_round(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(250) * (1 << listing_failures_));
  }
  if (ec) {
    listing_failures_ = 0;
    diag.message = "reconciling creates of prompt version " + version_ +
                   ": listing its runs failed (" + error::code_name(ec) + "): " + diag.message;
    release_hold();
    end_all(error::reconcile_failed, diag);
    return after_round(std::nullopt);
  }
  if (since_without_skew_) {
    // A fresh client (a rerun, `betterprompt reconcile`): a minute of other creators' runs would
    // otherwise make every answer ambiguous. This page's Date narrows the listing.
    since_without_skew_ = false;
    if (const auto skew = client_->accounting().created_at_offset()) {
      std::size_t members = 0;
      const auto creates = creates_of_version(members);
      const auto narrower =
          listing_since(std::span(creates).first(members), *skew, options().margin);
      if (narrower > since_) return list_from(narrower);
    }
  }
  listing_failures_ = 0;
  for (auto& row : read.rows) listed_.push_back(std::move(row));
  if (read.has_more && !listed_.empty()) {
    cursor_ = listed_.back().run_id;
    return list_page();
  }
  decide();
}

BETTERPROMPT_DECL void reconcile_group::decide() {
  const reconcile_options opts = options();
  const clock_offset_bounds skew = client_->accounting().created_at_offset_or_default();
  std::size_t members = 0;
  const std::vector<unknown_create> creates = creates_of_version(members);
  run_memory& memory = client_->accounting().runs();
  // The runs of the version the client has not handed out: only the group, or another creator,
  // can have made them. A createdAt that does not parse explains nothing: another creator.
  std::vector<listed_run> runs;
  std::vector<std::size_t> row_of;
  for (std::size_t i = 0; i < listed_.size(); ++i) {
    const auto& row = listed_[i];
    if (!row.prompt_version_id.empty() && row.prompt_version_id != version_) continue;
    if (memory.holds(row.run_id)) continue;
    runs.push_back(
        {from_iso8601(row.created_at).value_or(std::chrono::system_clock::time_point::min()),
         iso8601_precision(row.created_at)});
    row_of.push_back(i);
  }
  reconcile_facts facts;
  facts.group = creates;
  facts.runs = runs;
  facts.skew = skew;
  facts.margin = opts.margin;
  facts.grace = opts.grace;
  facts.now = listing_began_;
  facts.memory_complete = memory.complete_since(since_ - skew.high);
  const auto answers = decide_reconcile(facts);
  release_hold();  // before anything else: held creates go on while the members are answered

  std::optional<std::chrono::system_clock::time_point> wake;
  std::vector<std::shared_ptr<reconcile_member>> waiting;
  for (std::size_t k = 0; k < members; ++k) {
    const auto& member = members_[k];
    const reconcile_answer& answer = answers[k];
    // A window that starts before the listing's first second (the clock's bounds moved since it
    // began) is decided by the next round, never from a listing that may miss its run.
    if (window_of(creates[k], skew, opts.margin).from < since_) {
      waiting.push_back(member);
      wake = facts.now;
      continue;
    }
    if (answer.verdict == reconcile_verdict::wait) {
      waiting.push_back(member);
      if (!wake || answer.wait_until < *wake) wake = answer.wait_until;
      continue;
    }
    reconcile_result r;
    r.record = member->record;
    if (answer.verdict == reconcile_verdict::found) {
      const auto& run = listed_[row_of[answer.runs.front()]];
      // Claimed by remembering it. Another client's group of this accounting claimed it since
      // this listing: decide again from a new one.
      if (!memory.remember(run.run_id, facts.now)) {
        waiting.push_back(member);
        wake = facts.now;
        continue;
      }
      r.status = reconcile_status::found;
      r.run = run;
      // Resolved: its run is known now, so it explains no other run.
      client_->accounting().forget_unsettled_outcome(member->record);
    } else if (answer.verdict == reconcile_verdict::not_found) {
      r.status = reconcile_status::not_found;
      r.reason = "no run of its prompt version was created in its window within " +
                 std::to_string(opts.grace.count()) + " ms of its failure";
      // A listing that covers its whole window showed no run: it explains no later run.
      client_->accounting().forget_unsettled_outcome(member->record);
    } else {
      r.status = reconcile_status::ambiguous;
      for (auto index : answer.runs) r.candidates.push_back(listed_[row_of[index]].run_id);
      if (answer.another_creator)
        r.reason = "another creator made runs of this prompt version in the window";
      else if (!facts.memory_complete)
        r.reason = "the client's memory of its runs reached its cap in the window";
      else if (r.candidates.empty())
        r.reason = "its run exists, but no run in its window can be told apart";
      else
        r.reason = "several creates could have made these runs";
      answered_.push_back(member->record);
    }
    client_->accounting().count_answer(r.status == reconcile_status::found ? &create_counters::found
                                       : r.status == reconcile_status::not_found
                                           ? &create_counters::not_found
                                           : &create_counters::ambiguous);
    member->complete({}, std::move(r), {});
  }
  members_ = std::move(waiting);
  after_round(wake);
}

BETTERPROMPT_DECL void reconcile_group::listing_too_long() {
  release_hold();
  for (const auto& member : members_) {
    reconcile_result result;
    result.status = reconcile_status::ambiguous;
    result.record = member->record;
    result.reason = "listing too long: more than " + std::to_string(pages_) +
                    " pages of runs since the window's start";
    answered_.push_back(member->record);
    client_->accounting().count_answer(&create_counters::ambiguous);
    member->complete({}, std::move(result), {});
  }
  members_.clear();
  after_round(std::nullopt);
}

BETTERPROMPT_DECL void reconcile_group::release_hold() {
  if (!holding_) return;
  holding_ = false;
  client_->accounting().release(version_);
  tell_hold(event_kind::creates_released);
}

BETTERPROMPT_DECL void reconcile_group::tell_hold(event_kind kind) {
  if (!client_->hooked()) return;
  const auto now = clock::now();
  if (kind == event_kind::creates_held) hold_began_ = now;
  event e;
  e.kind = kind;
  e.operation = "reconcile_create";
  e.prompt_version_id = version_;
  if (kind == event_kind::creates_released)
    e.duration = std::chrono::duration_cast<std::chrono::microseconds>(now - hold_began_);
  client_->notify(e);
}

BETTERPROMPT_DECL void reconcile_group::after_round(
    std::optional<std::chrono::system_clock::time_point> wake) {
  // Answered creates explain runs only while a window of theirs can still matter.
  const auto forget_before =
      std::chrono::system_clock::now() - client_->accounting().runs().horizon();
  std::erase_if(answered_, [&](const create_record& r) { return r.failed_at < forget_before; });
  take_incoming();
  if (members_.empty()) return wind_up();
  if (!wake) return round();
  sleeping_ = true;
  const auto delay =
      std::chrono::ceil<std::chrono::milliseconds>(*wake - std::chrono::system_clock::now());
  timer_.expires_after(std::max(delay, std::chrono::milliseconds(0)));
  timer_.async_wait(boost::asio::bind_executor(
      executor_, [self = shared_from_this(), generation = generation_](boost::system::error_code) {
        if (generation != self->generation_ || self->closed_) return;
        self->sleeping_ = false;
        self->round();
      }));
}

BETTERPROMPT_DECL void reconcile_group::wind_up() {
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    more = !incoming_.empty();
    if (!more) accepting_ = false;
  }
  if (more) return round();
  leave_registry();
}

BETTERPROMPT_DECL void reconcile_group::end_all(boost::system::error_code ec,
                                                const diagnostics& diag) {
  take_incoming();
  for (const auto& member : members_) {
    if (ec == error::reconcile_failed)
      client_->accounting().count_answer(&create_counters::reconcile_failed);
    diagnostics failure = diag;
    failure.create = member->record;
    member->complete(ec, {}, std::move(failure));
  }
  members_.clear();
}

BETTERPROMPT_DECL void reconcile_group::cancelled(const std::shared_ptr<reconcile_member>& member) {
  if (member->done()) return;
  diagnostics diag;
  diag.message = "reconcile_create of a create of prompt version " + version_ + ": cancelled";
  diag.create = member->record;
  member->complete(boost::asio::error::operation_aborted, {}, std::move(diag));
  // Newcomers are not taken here: a listing in progress may not reach back to their windows.
  std::erase_if(members_, [](const auto& m) { return m->done(); });
  bool newcomers = false;
  {
    std::lock_guard lock(mutex_);
    newcomers = !incoming_.empty();
  }
  if (!members_.empty() || newcomers || closed_) return;
  // Nobody waits for an answer: stop listing or sleeping, and let the held creates go.
  ++generation_;
  list_cancel_.emit(boost::asio::cancellation_type::terminal);
  timer_.cancel();
  sleeping_ = false;
  release_hold();
  wind_up();
}

BETTERPROMPT_DECL void reconcile_group::close_down() {
  if (closed_) return;
  closed_ = true;
  ++generation_;
  list_cancel_.emit(boost::asio::cancellation_type::terminal);
  timer_.cancel();
  release_hold();
  {
    std::lock_guard lock(mutex_);
    accepting_ = false;
  }
  diagnostics diag;
  diag.message = "reconcile_create of a create of prompt version " + version_ + ": client closed";
  end_all(error::client_closed, diag);
  leave_registry();
}

}  // namespace detail
}  // namespace betterprompt
