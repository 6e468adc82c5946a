package paymentapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"
)

// Limits on one order request.
const (
	maxLines    = 100
	maxQuantity = 1000
)

// OrderRequest is the body of POST /orders.
type OrderRequest struct {
	MemberID int           `json:"member_id"`
	Lines    []LineRequest `json:"lines"`
}

// LineRequest is one product and quantity of an OrderRequest.
type LineRequest struct {
	ProductID int `json:"product_id"`
	Qty       int `json:"qty"`
}

// Order is a created order as POST /orders returns it.
type Order struct {
	ID       int         `json:"id"`
	MemberID int         `json:"member_id"`
	Status   string      `json:"status"`
	Country  string      `json:"country"`
	Currency string      `json:"currency"`
	Subtotal float64     `json:"subtotal"`
	Total    float64     `json:"total"`
	TotalPV  int         `json:"total_pv"`
	TotalVN  float64     `json:"total_vn"`
	Lines    []OrderLine `json:"lines"`
}

// OrderLine is one priced line of an Order; line values are quantity × unit values.
type OrderLine struct {
	ProductID int     `json:"product_id"`
	Qty       int     `json:"qty"`
	UnitPrice float64 `json:"unit_price"`
	UnitPV    int     `json:"unit_pv"`
	UnitVN    float64 `json:"unit_vn"`
	LineTotal float64 `json:"line_total"`
	LinePV    int     `json:"line_pv"`
	LineVN    float64 `json:"line_vn"`
}

// Validate checks the request's shape (not that members or products exist).
func (o OrderRequest) Validate() error {
	if o.MemberID <= 0 {
		return fmt.Errorf("%w: member_id must be positive", ErrInvalidRequest)
	}
	if len(o.Lines) == 0 || len(o.Lines) > maxLines {
		return fmt.Errorf("%w: an order needs 1 to %d lines", ErrInvalidRequest, maxLines)
	}
	for i, l := range o.Lines {
		if l.ProductID <= 0 || l.Qty <= 0 || l.Qty > maxQuantity {
			return fmt.Errorf("%w: line %d needs a positive product_id and qty in 1..%d", ErrInvalidRequest, i, maxQuantity)
		}
	}
	return nil
}

func (s *Server) handleCreateOrder(w http.ResponseWriter, r *http.Request) {
	var req OrderRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if err := req.Validate(); err != nil {
		s.writeError(w, err)
		return
	}
	var order Order
	err := withRetry(r.Context(), s.cfg.Retry, s.metrics.onAbort, func(ctx context.Context) error {
		var err error
		order, err = s.CreateOrder(ctx, req)
		return err
	})
	if err != nil {
		s.writeError(w, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/orders/%d", order.ID))
	writeJSON(w, http.StatusCreated, order)
}

// CreateOrder inserts a pending_payment order with its lines, priced from the catalogue
// columns of the member's market, in one transaction.
func (s *Server) CreateOrder(ctx context.Context, req OrderRequest) (Order, error) {
	if err := req.Validate(); err != nil {
		return Order{}, err
	}
	var order Order
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		order, err = createOrder(ctx, tx, req)
		return err
	})
	if err != nil {
		return Order{}, fmt.Errorf("paymentapi: create order: %w", err)
	}
	return order, nil
}

func createOrder(ctx context.Context, tx pgx.Tx, req OrderRequest) (Order, error) {
	var country *string
	err := tx.QueryRow(ctx, `SELECT country_cache FROM users WHERE member_id = $1`, req.MemberID).Scan(&country)
	if errors.Is(err, pgx.ErrNoRows) {
		return Order{}, fmt.Errorf("%w: member_id %d", ErrMemberNotFound, req.MemberID)
	}
	if err != nil {
		return Order{}, fmt.Errorf("read member: %w", err)
	}
	m := marketOf(country)
	lines, err := priceLines(ctx, tx, m, req.Lines)
	if err != nil {
		return Order{}, err
	}
	order := Order{MemberID: req.MemberID, Status: statusPending, Country: m.country, Currency: m.currency, Lines: lines}
	for _, l := range lines {
		order.Subtotal += l.LineTotal
		order.TotalPV += l.LinePV
		order.TotalVN += l.LineVN
	}
	order.Total = order.Subtotal
	if err := insertOrder(ctx, tx, &order); err != nil {
		return Order{}, err
	}
	return order, nil
}

func priceLines(ctx context.Context, tx pgx.Tx, m market, req []LineRequest) ([]OrderLine, error) {
	ids := make([]int, len(req))
	for i, l := range req {
		ids[i] = l.ProductID
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT id, price_%[1]s, pv_%[1]s, vn_%[1]s FROM products WHERE id = ANY($1)`, m.column), ids)
	if err != nil {
		return nil, fmt.Errorf("read products: %w", err)
	}
	catalogue := map[int]OrderLine{}
	for rows.Next() {
		var l OrderLine
		if err := rows.Scan(&l.ProductID, &l.UnitPrice, &l.UnitPV, &l.UnitVN); err != nil {
			return nil, fmt.Errorf("read products: %w", err)
		}
		catalogue[l.ProductID] = l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read products: %w", err)
	}
	lines := make([]OrderLine, len(req))
	for i, r := range req {
		l, ok := catalogue[r.ProductID]
		if !ok {
			return nil, fmt.Errorf("%w: product_id %d", ErrProductNotFound, r.ProductID)
		}
		l.Qty = r.Qty
		l.LineTotal = float64(r.Qty) * l.UnitPrice
		l.LinePV = r.Qty * l.UnitPV
		l.LineVN = float64(r.Qty) * l.UnitVN
		lines[i] = l
	}
	return lines, nil
}

// insertOrder writes the header (every NOT NULL column, timestamps in UTC wall clock as the
// app does) and its lines, and sets order.ID.
func insertOrder(ctx context.Context, tx pgx.Tx, o *Order) error {
	err := tx.QueryRow(ctx, `INSERT INTO orders (member_id, country, currency, subtotal, shipping_cost, tax,
		discount, total, total_pv, total_vn, status, created_at, submitted_at)
		VALUES ($1, $2, $3, $4, 0, 0, 0, $5, $6, $7, $8, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
		RETURNING id`,
		o.MemberID, o.Country, o.Currency, o.Subtotal, o.Total, o.TotalPV, o.TotalVN, o.Status).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("insert order: %w", err)
	}
	b := &pgx.Batch{}
	for _, l := range o.Lines {
		b.Queue(`INSERT INTO orderitems (order_id, product_id, quantity, unit_price, unit_pv, unit_vn,
			line_total, line_pv, line_vn) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			o.ID, l.ProductID, l.Qty, l.UnitPrice, l.UnitPV, l.UnitVN, l.LineTotal, l.LinePV, l.LineVN)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("insert order lines: %w", err)
	}
	return nil
}

// market is a country's catalogue column suffix and currency.
type market struct {
	country  string
	column   string
	currency string
}

// marketOf maps users.country_cache to a market like the app's dictionary: Mexico, USA
// and Colombia are known; anything else (including NULL and the load test's 'MX') is
// Mexico's catalogue in MXN. The order keeps the member's country text.
func marketOf(country *string) market {
	c := "Mexico"
	if country != nil && *country != "" {
		c = *country
	}
	switch c {
	case "USA":
		return market{country: c, column: "usa", currency: "USD"}
	case "Colombia":
		return market{country: c, column: "colombia", currency: "COP"}
	}
	return market{country: c, column: "mx", currency: "MXN"}
}

// currencyOf is the currency of a member's country_cache, as marketOf maps it.
func currencyOf(country string) string { return marketOf(&country).currency }
