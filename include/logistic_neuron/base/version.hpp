/// \file version.hpp
/// \brief The library's version, as three macros (LOGISTIC_NEURON_VERSION_MAJOR, _MINOR and
/// _PATCH).
#pragma once

/// Major version: changes when the public API breaks.
#define LOGISTIC_NEURON_VERSION_MAJOR 0
/// Minor version: changes when the public API grows.
#define LOGISTIC_NEURON_VERSION_MINOR 1
/// Patch version: changes for fixes only.
#define LOGISTIC_NEURON_VERSION_PATCH 0
