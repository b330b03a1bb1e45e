module github.com/txtarantool/txtarantool

go 1.24

require (
	github.com/stretchr/testify v1.12.1
	github.com/tarantool/go-iproto v1.1.0
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require (
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
