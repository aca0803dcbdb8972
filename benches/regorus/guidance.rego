# The 4(a) targeting guidance of the reference corpus, as Rego: `applies` is the set of the
# rules whose condition holds for `input` (an offender with every attribute). Written by
# benches/regorus from the bundle's rules.json, for scripts/bench.
package guidance

import rego.v1

level := {
	"rosh": {"low": 0, "medium": 1, "high": 2, "very_high": 3},
	"sexual_risk": {"low": 0, "medium": 1, "high": 2, "very_high": 3},
	"violence_risk": {"low": 0, "medium": 1, "high": 2, "very_high": 3}
}

applies contains "any_reconviction.1" if {
	true
}

applies contains "serious_harm.1" if {
	true
}

applies contains "sex_offenders.all.1" if {
	c1
	input["sex"] == "male"
}

applies contains "sex_offenders.all.2" if {
	c2
}

applies contains "sex_offenders.all.3" if {
	c3
}

applies contains "sex_offenders.all.4" if {
	c4
}

applies contains "sex_offenders.all.5" if {
	c5
	input["images_only"] == true
}

applies contains "sex_offenders.all.6" if {
	c6
	input["sex"] == "female"
}

applies contains "sex_offenders.low_risk.1" if {
	c7
	input["sex"] == "male"
	level["sexual_risk"][input["sexual_risk"]] == 0
	not c9
}

applies contains "sex_offenders.low_risk.2" if {
	c10
	input["sex"] == "male"
	level["sexual_risk"][input["sexual_risk"]] == 0
	c11
	not c12
}

applies contains "sex_offenders.elevated.1" if {
	c13
	input["sex"] == "male"
	level["sexual_risk"][input["sexual_risk"]] > 0
	not c14
}

applies contains "sex_offenders.elevated.2" if {
	c15
	input["sex"] == "male"
	level["sexual_risk"][input["sexual_risk"]] > 0
}

applies contains "sex_offenders.elevated.3" if {
	c16
	input["sex"] == "male"
	level["sexual_risk"][input["sexual_risk"]] > 0
	level["sexual_risk"][input["sexual_risk"]] >= 2
	not c17
}

applies contains "sex_offenders.elevated.4" if {
	c18
	input["sex"] == "male"
	level["sexual_risk"][input["sexual_risk"]] > 0
	level["sexual_risk"][input["sexual_risk"]] >= 2
	input["sexual_preoccupation"] == true
}

applies contains "violent_offenders.violent.1" if {
	input["index_offence"] == "violence"
	input["ogrs3"] <= 24
}

applies contains "violent_offenders.violent.2" if {
	input["index_offence"] == "violence"
	input["ogrs3"] >= 25
}

applies contains "violent_offenders.violent.3" if {
	input["index_offence"] == "violence"
}

applies contains "violent_offenders.violent.4" if {
	input["index_offence"] == "violence"
	not c19
}

applies contains "violent_offenders.violent.5" if {
	input["index_offence"] == "violence"
}

applies contains "violent_offenders.violent.6" if {
	input["index_offence"] == "violence"
}

applies contains "isps.isp.1" if {
	input["sentence"] == "indeterminate"
}

applies contains "isps.isp.2" if {
	input["sentence"] == "indeterminate"
	not c21
}

applies contains "isps.isp.3" if {
	input["sentence"] == "indeterminate"
	input["meets_programme_criteria"] == true
}

applies contains "reconviction_bands.1" if {
	true
}

applies contains "reconviction_bands.2" if {
	true
}

applies contains "reconviction_bands.low.1" if {
	input["ogrs3"] >= 0
	input["ogrs3"] <= 24
}

applies contains "reconviction_bands.low.2" if {
	input["ogrs3"] >= 0
	input["ogrs3"] <= 24
	not c22
}

applies contains "reconviction_bands.low.3" if {
	input["ogrs3"] >= 0
	input["ogrs3"] <= 24
}

applies contains "reconviction_bands.medium.1" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
}

applies contains "reconviction_bands.medium.2" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
	not c23
}

applies contains "reconviction_bands.medium.3" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
	not c24
}

applies contains "reconviction_bands.medium.4" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
	input["clear_victim"] == true
	input["victim_willing"] == true
	not c25
}

applies contains "reconviction_bands.medium.5" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
}

applies contains "reconviction_bands.medium.6" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
	not c26
}

applies contains "reconviction_bands.medium.7" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
}

applies contains "reconviction_bands.medium.8" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 49
	input["duplicates_need"] == true
}

applies contains "reconviction_bands.high-very_high.1" if {
	c27
}

applies contains "reconviction_bands.high-very_high.2" if {
	c28
}

applies contains "reconviction_bands.high-very_high.3" if {
	c29
	not c30
}

applies contains "reconviction_bands.high-very_high.4" if {
	c31
	input["index_offence"] in {"acquisitive", "theft", "shoplifting"}
	input["drug_driven"] == true
	not c32
}

applies contains "reconviction_bands.high-very_high.5" if {
	c33
	input["clear_victim"] == true
	input["victim_willing"] == true
	not c34
}

applies contains "reconviction_bands.high-very_high.6" if {
	c35
	input["index_offence"] in {"robbery", "acquisitive", "theft", "shoplifting"}
	not c36
}

applies contains "reconviction_bands.high-very_high.7" if {
	c37
	input["duplicates_need"] == true
}

applies contains "reconviction_bands.extremely_high.1" if {
	input["ogrs3"] >= 90
	input["ogrs3"] <= 100
}

applies contains "reconviction_bands.extremely_high.2" if {
	input["ogrs3"] >= 90
	input["ogrs3"] <= 100
}

applies contains "reconviction_bands.extremely_high.3" if {
	input["ogrs3"] >= 90
	input["ogrs3"] <= 100
}

applies contains "reconviction_bands.extremely_high.4" if {
	input["ogrs3"] >= 90
	input["ogrs3"] <= 100
}

applies contains "reconviction_bands.extremely_high.5" if {
	input["ogrs3"] >= 90
	input["ogrs3"] <= 100
}

applies contains "rj_targeting.1" if {
	input["ogrs3"] >= 25
	input["ogrs3"] <= 74
	input["clear_victim"] == true
	input["victim_willing"] == true
	input["index_offence"] in {"violence", "robbery", "acquisitive", "theft", "shoplifting"}
	not c39
}

applies contains "rj_targeting.2" if {
	c40
	not c41
}

applies contains "rj_targeting.3" if {
	true
}

c1 if {
	input["index_offence"] == "sex"
}

c1 if {
	input["sexual_element"] == true
}

c2 if {
	input["index_offence"] == "sex"
}

c2 if {
	input["sexual_element"] == true
}

c3 if {
	input["index_offence"] == "sex"
}

c3 if {
	input["sexual_element"] == true
}

c4 if {
	input["index_offence"] == "sex"
}

c4 if {
	input["sexual_element"] == true
}

c5 if {
	input["index_offence"] == "sex"
}

c5 if {
	input["sexual_element"] == true
}

c6 if {
	input["index_offence"] == "sex"
}

c6 if {
	input["sexual_element"] == true
}

c7 if {
	input["index_offence"] == "sex"
}

c7 if {
	input["sexual_element"] == true
}

c8 if {
	input["intellectual_disability"] == true
}

c8 if {
	input["sexual_homicide"] == true
}

c9 if {
	c8
}

c10 if {
	input["index_offence"] == "sex"
}

c10 if {
	input["sexual_element"] == true
}

c11 if {
	input["intellectual_disability"] == true
}

c11 if {
	input["sexual_homicide"] == true
}

c12 if {
	input["images_only"] == true
}

c13 if {
	input["index_offence"] == "sex"
}

c13 if {
	input["sexual_element"] == true
}

c14 if {
	input["images_only"] == true
}

c15 if {
	input["index_offence"] == "sex"
}

c15 if {
	input["sexual_element"] == true
}

c16 if {
	input["index_offence"] == "sex"
}

c16 if {
	input["sexual_element"] == true
}

c17 if {
	input["images_only"] == true
}

c18 if {
	input["index_offence"] == "sex"
}

c18 if {
	input["sexual_element"] == true
}

c19 if {
	level["violence_risk"][input["violence_risk"]] >= 2
}

c20 if {
	input["meets_programme_criteria"] == true
}

c20 if {
	input["only_viable_option"] == true
}

c21 if {
	c20
}

c22 if {
	level["rosh"][input["rosh"]] >= 2
}

c23 if {
	input["duplicates_need"] == true
}

c24 if {
	input["duplicates_need"] == true
}

c25 if {
	input["duplicates_need"] == true
}

c26 if {
	level["rosh"][input["rosh"]] >= 2
}

c27 if {
	input["ogrs3"] >= 50
	input["ogrs3"] <= 74
}

c27 if {
	input["ogrs3"] >= 75
	input["ogrs3"] <= 89
}

c28 if {
	input["ogrs3"] >= 50
	input["ogrs3"] <= 74
}

c28 if {
	input["ogrs3"] >= 75
	input["ogrs3"] <= 89
}

c29 if {
	input["ogrs3"] >= 50
	input["ogrs3"] <= 74
}

c29 if {
	input["ogrs3"] >= 75
	input["ogrs3"] <= 89
}

c30 if {
	input["duplicates_need"] == true
}

c31 if {
	input["ogrs3"] >= 50
	input["ogrs3"] <= 74
}

c31 if {
	input["ogrs3"] >= 75
	input["ogrs3"] <= 89
}

c32 if {
	input["duplicates_need"] == true
}

c33 if {
	input["ogrs3"] >= 50
	input["ogrs3"] <= 74
}

c33 if {
	input["ogrs3"] >= 75
	input["ogrs3"] <= 89
}

c34 if {
	input["duplicates_need"] == true
}

c35 if {
	input["ogrs3"] >= 50
	input["ogrs3"] <= 74
}

c35 if {
	input["ogrs3"] >= 75
	input["ogrs3"] <= 89
}

c36 if {
	input["duplicates_need"] == true
}

c37 if {
	input["ogrs3"] >= 50
	input["ogrs3"] <= 74
}

c37 if {
	input["ogrs3"] >= 75
	input["ogrs3"] <= 89
}

c38 if {
	input["sexual_element"] == true
}

c38 if {
	input["intimate_partner_violence"] == true
}

c39 if {
	c38
}

c40 if {
	input["index_offence"] == "sex"
}

c40 if {
	input["sexual_element"] == true
}

c40 if {
	input["intimate_partner_violence"] == true
}

c41 if {
	input["rj_clear_benefit"] == true
}

