// Package wilayah embeds the region reference data: 38 provinsi, 514 kabupaten/kota and 7,285
// kecamatan with Kemendagri codes, from idn-area-data 4.0.1 under the Open Database License
// (see SOURCE.md and LICENSE-ODbL.md in this folder, which must ship with the data).
package wilayah

import _ "embed"

// ProvincesCSV has columns code,name.
//
//go:embed provinces.csv
var ProvincesCSV []byte

// RegenciesCSV has columns code,province_code,name.
//
//go:embed regencies.csv
var RegenciesCSV []byte

// DistrictsCSV has columns code,regency_code,name.
//
//go:embed districts.csv
var DistrictsCSV []byte
