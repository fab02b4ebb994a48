// SPDX-License-Identifier: BSL-1.0
// The emulator's counterpart of <betterprompt/src.hpp>: include in one translation unit with
// BETTERPROMPT_SEPARATE_COMPILATION defined.
#pragma once

#ifndef BETTERPROMPT_SEPARATE_COMPILATION
#error "Define BETTERPROMPT_SEPARATE_COMPILATION to use <betterprompt/testing/src.hpp>"
#endif

#include <betterprompt/testing/impl/emulator.ipp>
#include <betterprompt/testing/impl/emulator_seed.ipp>
#include <betterprompt/testing/impl/fault_proxy.ipp>
