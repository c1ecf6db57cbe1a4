/* exit_codes.h - ktapvm-run's exit codes: the list ktapc and ktap use too (ktap_exit_codes.def). */
#ifndef KTAP_EXIT_CODES_H
#define KTAP_EXIT_CODES_H

enum ktap_exit_code {
#define KTAP_EXIT(code, name, meaning) KTAP_EXIT_##name = code,
#include "../ktap_exit_codes.def"
#undef KTAP_EXIT
};

#endif
