// SPDX-License-Identifier: BSL-1.0
// Build configuration of betterprompt-cpp.
//
// Header-only by default. Define BETTERPROMPT_SEPARATE_COMPILATION in every translation unit and
// include <betterprompt/src.hpp> in exactly one of them to compile the library once (faster
// builds).
#pragma once

#ifdef BETTERPROMPT_SEPARATE_COMPILATION
#define BETTERPROMPT_DECL
#else
#define BETTERPROMPT_HEADER_ONLY 1
#define BETTERPROMPT_DECL inline
#endif

#define BETTERPROMPT_VERSION_STRING "0.1.0"
