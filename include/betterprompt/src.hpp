// SPDX-License-Identifier: BSL-1.0
// Include in exactly one translation unit, with BETTERPROMPT_SEPARATE_COMPILATION defined
// everywhere, to compile the library once instead of in every file that uses it.
#pragma once

#ifndef BETTERPROMPT_SEPARATE_COMPILATION
#error "Define BETTERPROMPT_SEPARATE_COMPILATION to use <betterprompt/src.hpp>"
#endif

#include <betterprompt/impl/account.ipp>
#include <betterprompt/impl/account_json.ipp>
#include <betterprompt/impl/blocking_client.ipp>
// In this order: call_op.ipp uses call_failures.ipp's helpers, call_exchange.ipp and
// call_connect.ipp its step().
// clang-format off
#include <betterprompt/impl/call_failures.ipp>
#include <betterprompt/impl/call_op.ipp>
#include <betterprompt/impl/call_exchange.ipp>
#include <betterprompt/impl/call_connect.ipp>
#include <betterprompt/impl/endpoint_call.ipp>
// clang-format on
#include <betterprompt/impl/client.ipp>
#include <betterprompt/impl/client_state.ipp>
#include <betterprompt/impl/connection.ipp>
#include <betterprompt/impl/create_outcome.ipp>
#include <betterprompt/impl/drain_op.ipp>
#include <betterprompt/impl/error.ipp>
#include <betterprompt/impl/events.ipp>
#include <betterprompt/impl/list_runs.ipp>
#include <betterprompt/impl/prompt_json.ipp>
#include <betterprompt/impl/prompts.ipp>
#include <betterprompt/impl/reconcile_op.ipp>
#include <betterprompt/impl/resources.ipp>
#include <betterprompt/impl/resources_json.ipp>
#include <betterprompt/impl/run_json.ipp>
#include <betterprompt/impl/run_prompt.ipp>
#include <betterprompt/impl/run_validation.ipp>
#include <betterprompt/impl/runs.ipp>
#include <betterprompt/impl/skill_json.ipp>
#include <betterprompt/impl/skills.ipp>
#include <betterprompt/impl/wait_op.ipp>
