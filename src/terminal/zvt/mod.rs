//! ZVT (PA00P015 commands, PA00P016 transport): the cash register (ECR) side, and enough of
//! the terminal (PT) side for the simulator. Codec modules are pure; transports do the I/O.

pub mod apdu;
pub mod bcd;
pub mod bmp;
pub mod codes;
pub mod describe;
pub mod frame;
pub mod link;
pub mod messages;
pub mod ports;
pub mod serial;
pub mod tcp;
pub mod tlv;
