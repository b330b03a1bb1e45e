package protocol

import "github.com/tarantool/go-iproto"

// ColumnMeta describes one SQL result column or statement parameter
// (an element of IPROTO_METADATA or IPROTO_BIND_METADATA).
type ColumnMeta struct {
	Name          string // IPROTO_FIELD_NAME
	Type          string // IPROTO_FIELD_TYPE, e.g. "integer", "string"
	Collation     string // IPROTO_FIELD_COLL (full metadata only)
	Span          string // IPROTO_FIELD_SPAN: the expression text (full metadata only)
	Nullable      bool   // IPROTO_FIELD_IS_NULLABLE (full metadata only)
	Autoincrement bool   // IPROTO_FIELD_IS_AUTOINCREMENT (full metadata only)
}

// SQLInfo is the IPROTO_SQL_INFO of a data-changing SQL statement.
type SQLInfo struct {
	// RowCount is the number of rows changed (SQL_INFO_ROW_COUNT).
	RowCount uint64
	// AutoIncrementIDs are the values generated for AUTOINCREMENT columns
	// (SQL_INFO_AUTOINCREMENT_IDS). They are int64 because Tarantool
	// sequences are signed.
	AutoIncrementIDs []int64
}

func (r *reader) columnMetas() ([]ColumnMeta, error) {
	n, err := r.arrayLen()
	if err != nil {
		return nil, err
	}
	cols := make([]ColumnMeta, n)
	for i := range cols {
		if err := r.columnMeta(&cols[i]); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

func (r *reader) columnMeta(c *ColumnMeta) error {
	n, err := r.mapLen()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		key, err := r.uint()
		if err != nil {
			return err
		}
		switch {
		case key == uint64(iproto.IPROTO_FIELD_NAME):
			c.Name, err = r.optStr()
		case key == uint64(iproto.IPROTO_FIELD_TYPE):
			c.Type, err = r.optStr()
		case key == uint64(iproto.IPROTO_FIELD_COLL):
			c.Collation, err = r.optStr()
		case key == uint64(iproto.IPROTO_FIELD_SPAN):
			c.Span, err = r.optStr()
		case key == uint64(iproto.IPROTO_FIELD_IS_NULLABLE):
			c.Nullable, err = r.bool()
		case key == uint64(iproto.IPROTO_FIELD_IS_AUTOINCREMENT):
			c.Autoincrement, err = r.bool()
		default:
			err = r.skip()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) sqlInfo() (*SQLInfo, error) {
	n, err := r.mapLen()
	if err != nil {
		return nil, err
	}
	info := &SQLInfo{}
	for i := 0; i < n; i++ {
		key, err := r.uint()
		if err != nil {
			return nil, err
		}
		switch {
		case key == uint64(iproto.SQL_INFO_ROW_COUNT):
			info.RowCount, err = r.uint()
		case key == uint64(iproto.SQL_INFO_AUTOINCREMENT_IDS):
			var cnt int
			if cnt, err = r.arrayLen(); err != nil {
				return nil, err
			}
			info.AutoIncrementIDs = make([]int64, cnt)
			for j := range info.AutoIncrementIDs {
				if info.AutoIncrementIDs[j], err = r.int(); err != nil {
					return nil, err
				}
			}
		default:
			err = r.skip()
		}
		if err != nil {
			return nil, err
		}
	}
	return info, nil
}
