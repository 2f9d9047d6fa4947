# Install rules, CMake package config and CPack (filled in by the packaging work).
