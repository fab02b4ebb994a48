// SPDX-License-Identifier: BSL-1.0
// The client's rate limit as a state machine: time goes in, how long to wait comes out. No
// clock, no timer, no lock: rate_limiter adds those, unit tests drive it with made-up times.
#pragma once

#include <betterprompt/client_options.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace betterprompt::detail {

class rate_limit_state {
 public:
  using clock = std::chrono::steady_clock;
  using duration = clock::duration;
  using time_point = clock::time_point;

  /// After a 429 the rate drops to this share of what it was, down to min_rate_share of the
  /// configured rate; quiet_period without a 429 restores it.
  static constexpr double slowdown = 0.75;
  static constexpr double min_rate_share = 0.1;
  static constexpr std::chrono::seconds quiet_period{30};

  /// A token reserved by reserve(): usable after `wait`, unless a pause came in between.
  struct reservation {
    duration wait{};
    std::uint64_t epoch = 0;
  };

  rate_limit_state(const rate_limit_options& o, time_point now)
      : configured_rate_(o.requests_per_second > 0 ? o.requests_per_second : 0.0),
        configured_burst_(std::max(1.0, o.burst > 0 ? o.burst : 1.0)),
        rate_(configured_rate_),
        burst_(configured_burst_),
        tokens_(burst_),
        refilled_(now) {}

  /// Takes a token (possibly going into debt) and says how long until it is really available.
  /// Tokens are reserved in call order, so waiters are served first come, first served.
  reservation reserve(time_point now) {
    restore_after_quiet(now);
    refill(now);
    duration wait = refilled_ > now ? refilled_ - now : duration::zero();
    if (rate_ > 0) {
      tokens_ -= 1;
      if (tokens_ < 0)
        wait +=
            std::chrono::duration_cast<duration>(std::chrono::duration<double>(-tokens_ / rate_));
    }
    return {wait, epoch_};
  }

  /// False when a pause began after `r` was reserved: its holder must reserve again, so that
  /// the requests queued before a 429 do not all leave the moment the pause ends.
  bool still_valid(const reservation& r) const noexcept { return r.epoch == epoch_; }

  /// Returns an unused token (its holder was cancelled).
  void give_back(const reservation& r) noexcept {
    if (rate_ > 0 && still_valid(r)) tokens_ = std::min(burst_, tokens_ + 1);
  }

  /// A 429 arrived at `now`: nothing leaves for `pause`; then the rate is lowered (once per
  /// pause, however many 429s the queued requests collect) and the burst drops to 1.
  void on_rate_limited(time_point now, duration pause) {
    refill(now);
    const bool new_pause = refilled_ <= now;
    refilled_ = std::max(refilled_, now + std::max(pause, duration::zero()));
    last_rate_limited_ = now;
    slowed_ = true;
    tokens_ = 0;
    ++epoch_;
    if (!new_pause || configured_rate_ <= 0) return;
    rate_ = std::max(configured_rate_ * min_rate_share, rate_ * slowdown);
    burst_ = 1;
  }

  /// The rate now in force (requests per second; 0 when the limit is off).
  double rate() const noexcept { return rate_; }
  /// The burst now in force.
  double burst() const noexcept { return burst_; }
  /// True while the configured rate is on, or a pause may be in force.
  bool active() const noexcept { return configured_rate_ > 0 || slowed_; }

 private:
  // Tokens accrue from the end of any pause on; refilled_ is in the future during a pause.
  void refill(time_point now) {
    if (now <= refilled_) return;
    if (rate_ > 0) {
      const std::chrono::duration<double> elapsed = now - refilled_;
      tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    }
    refilled_ = now;
  }

  void restore_after_quiet(time_point now) {
    if (!slowed_ || now - last_rate_limited_ < quiet_period || now < refilled_) return;
    refill(now);
    slowed_ = false;
    rate_ = configured_rate_;
    burst_ = configured_burst_;
  }

  const double configured_rate_;
  const double configured_burst_;
  double rate_;
  double burst_;
  double tokens_;
  time_point refilled_;
  time_point last_rate_limited_{};
  bool slowed_ = false;
  std::uint64_t epoch_ = 0;
};

}  // namespace betterprompt::detail
