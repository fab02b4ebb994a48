// SPDX-License-Identifier: BSL-1.0
// Umbrella header: everything a betterprompt-cpp user needs (the emulator is separate:
// <betterprompt/testing/emulator.hpp>).
#pragma once

#include <betterprompt/account.hpp>
#include <betterprompt/blocking_client.hpp>
#include <betterprompt/client.hpp>
#include <betterprompt/client_options.hpp>
#include <betterprompt/completion.hpp>
#include <betterprompt/create_outcome.hpp>
#include <betterprompt/error.hpp>
#include <betterprompt/events.hpp>
#include <betterprompt/list_runs.hpp>
#include <betterprompt/models/account.hpp>
#include <betterprompt/models/page.hpp>
#include <betterprompt/models/prompt.hpp>
#include <betterprompt/models/resources.hpp>
#include <betterprompt/models/run.hpp>
#include <betterprompt/models/skill.hpp>
#include <betterprompt/prompts.hpp>
#include <betterprompt/reconcile.hpp>
#include <betterprompt/close_gracefully.hpp>
#include <betterprompt/resources.hpp>
#include <betterprompt/result.hpp>
#include <betterprompt/run_prompt.hpp>
#include <betterprompt/runs.hpp>
#include <betterprompt/skills.hpp>
#include <betterprompt/timestamps.hpp>
#include <betterprompt/wait.hpp>

/// The BetterPrompt API v1 client: operations (initiating functions for any Asio completion
/// token), their models, options and errors.
namespace betterprompt {}
