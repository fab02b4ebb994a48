// The library's version. CMake checks that it matches project(VERSION) at configure time.
#pragma once

/// Major version: incremented for incompatible API changes.
#define BETTERPROMPT_VERSION_MAJOR 0
/// Minor version: incremented for compatible additions.
#define BETTERPROMPT_VERSION_MINOR 1
/// Patch version: incremented for fixes.
#define BETTERPROMPT_VERSION_PATCH 0
/// MAJOR * 100000 + MINOR * 100 + PATCH, for preprocessor comparisons (as BOOST_VERSION).
#define BETTERPROMPT_VERSION                                                \
  (BETTERPROMPT_VERSION_MAJOR * 100000 + BETTERPROMPT_VERSION_MINOR * 100 + \
   BETTERPROMPT_VERSION_PATCH)
/// "MAJOR.MINOR.PATCH".
#define BETTERPROMPT_VERSION_STRING "0.1.0"
