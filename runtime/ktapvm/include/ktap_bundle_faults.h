/*
 * ktap_bundle_faults.h - the numbers of the ways a bundle is refused, expanded from
 * ktap_bundle_faults.def (their one definition, with their wording).
 */
#ifndef KTAP_BUNDLE_FAULTS_H
#define KTAP_BUNDLE_FAULTS_H

/* KTAP_FAULT_TRUNCATED, ...; 0 is no fault */
enum ktap_bundle_fault {
	KTAP_FAULT_NONE,
#define KTAP_BUNDLE_FAULT(name, cs, kind, wording, params) KTAP_FAULT_##name,
#include "../ktap_bundle_faults.def"
	KTAP_FAULT_COUNT
};

#endif
