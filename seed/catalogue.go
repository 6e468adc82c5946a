package seed

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
)

// product is one catalogue row; per-country values derive from the MXN ones.
type product struct {
	Name, Ingredient, SKU, Description, Presentation, Type, Quantity string
	PriceMX                                                          float64
	PV                                                               int32
}

// catalogue is a staging catalogue shaped like the real one (nn_protect_products.csv): kits
// at 1,996, 2,596 and 5,790 MXN, single products at 349.30 MXN with PV 293, VN = PV.
// Names and descriptions are made up for staging.
var catalogue = []product{
	{"Kit Inicio Protect", "Selección de suplementos", "NNJS-KIT-01", "Kit de inicio con suplementos y skincare", "kit", "suplemento", "1 kit", 1996.00, 1465},
	{"Kit Bienestar Integral", "Selección de suplementos", "NNJS-KIT-02", "Kit de bienestar para toda la familia", "kit", "suplemento", "1 kit", 2596.00, 1950},
	{"Kit Empresario", "Selección completa", "NNJS-KIT-03", "Kit completo para iniciar el negocio", "kit", "suplemento", "1 kit", 5790.00, 4400},
	{"Protect Inmune Gotas", "Extracto de propóleo", "NNJS-LIQ-01", "Suplemento líquido", "líquido", "suplemento", "30 ml", 349.30, 293},
	{"Omega Protect", "Omega 3", "NNJS-CAP-01", "Suplemento en cápsulas", "cápsulas", "suplemento", "60 cápsulas", 349.30, 293},
	{"Colágeno Protect", "Colágeno hidrolizado", "NNJS-CAP-02", "Suplemento en cápsulas", "cápsulas", "suplemento", "90 cápsulas", 349.30, 293},
	{"Crema Regeneradora", "Ácido hialurónico", "NNJS-SKN-01", "Crema facial", "skincare", "skincare", "50 g", 349.30, 293},
	{"Sanitizante Protect", "Plata coloidal", "NNJS-DES-01", "Sanitizante de superficies", "líquido", "desinfección", "500 ml", 349.30, 293},
}

var productCols = []string{"product_name", "active_ingredient", "SKU", "description", "presentation", "type",
	"quantity", "pv_mx", "pv_usa", "pv_colombia", "vn_mx", "vn_usa", "vn_colombia", "price_mx", "price_usa",
	"price_colombia", "public_mx", "public_usa", "public_colombia", "is_new"}

func cents(x float64) float64 { return math.Round(x*100) / 100 }

func (p product) row() []any {
	usd, cop := cents(p.PriceMX/17.5), math.Round(p.PriceMX*230)
	vn := float64(p.PV)
	return []any{p.Name, p.Ingredient, p.SKU, p.Description, p.Presentation, p.Type, p.Quantity,
		p.PV, p.PV, p.PV, vn, vn, vn, p.PriceMX, usd, cop,
		cents(p.PriceMX * 1.25), cents(usd * 1.25), math.Round(cop * 1.25), false}
}

// rank is one step of the staging rank ladder. The code relies on id 1 = "Sin rango" and
// id >= 6 = ambassador; the PVG thresholds above the first are made up for staging.
type rank struct {
	ID      int32
	Name    string
	PV, PVG int32
}

var ladder = []rank{
	{1, "Sin rango", 0, 0}, {2, "Emprendedor", 1465, 1465}, {3, "Creativo", 1465, 3000},
	{4, "Innovador", 1465, 5000}, {5, "Visionario", 1465, 15000},
	{6, "Embajador Transformador", 1465, 35000}, {7, "Embajador Inspirador", 1465, 70000},
	{8, "Embajador Consciente", 1465, 120000}, {9, "Embajador Solidario", 1465, 200000},
}

// ensureProducts copies the catalogue into products when the table is empty.
func ensureProducts(ctx context.Context, tx pgx.Tx) (int64, error) {
	rows := make([][]any, len(catalogue))
	for i, p := range catalogue {
		rows[i] = p.row()
	}
	return copyIfEmpty(ctx, tx, "products", productCols, rows)
}

// ensureRanks copies the ladder into ranks (min_pvg NULL) when the table is empty, with
// explicit ids, and moves the id sequence past them.
func ensureRanks(ctx context.Context, tx pgx.Tx) (int64, error) {
	rows := make([][]any, len(ladder))
	for i, r := range ladder {
		rows[i] = []any{r.ID, r.Name, r.PV, r.PVG, nil}
	}
	n, err := copyIfEmpty(ctx, tx, "ranks", []string{"id", "name", "pv_required", "pvg_required", "min_pvg"}, rows)
	if err != nil || n == 0 {
		return n, err
	}
	const q = `SELECT setval(pg_get_serial_sequence('ranks', 'id'), (SELECT max(id) FROM ranks))`
	if _, err := tx.Exec(ctx, q); err != nil {
		return n, fmt.Errorf("seed: ranks sequence: %w", err)
	}
	return n, nil
}

func copyIfEmpty(ctx context.Context, tx pgx.Tx, table string, cols []string, rows [][]any) (int64, error) {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+table+")").Scan(&exists); err != nil {
		return 0, fmt.Errorf("seed: count %s: %w", table, err)
	}
	if exists {
		return 0, nil
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	if err != nil {
		return 0, fmt.Errorf("seed: copy %s: %w", table, err)
	}
	return n, nil
}
